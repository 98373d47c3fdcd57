package e2e_test

// Helpers for the ratings and complaints stories: a server with pushes
// to a fake FCM, a regulator, and a complaint deadline of seconds (the
// binary runs on the real clock), and a bath that was given and checked
// out.

import (
	"net/http"
	"testing"
	"time"

	"github.com/kincare/kincare/test/fakefcm"
)

// feedbackServer is a running kincare with its platform admin and a
// regulator the admin appointed.
type feedbackServer struct {
	srv       *server
	admin     *person
	regulator *person
}

// startFeedbackServer gives providers respondIn to answer a complaint
// and checks deadlines every second.
func startFeedbackServer(t *testing.T, fcm *fakefcm.Server, respondIn time.Duration) feedbackServer {
	t.Helper()
	adminPhone := newPhone()
	srv := startServer(t, config{env: familyEnv("ADMIN_PHONES", adminPhone.national,
		"FCM_PROJECT_ID", "kincare-e2e", "FCM_ENDPOINT", fcm.URL(),
		"OUTBOX_POLL_INTERVAL", "50ms", "JOBS_POLL_INTERVAL", "50ms",
		"COMPLAINT_RESPONSE_TIME", respondIn.String(), "COMPLAINT_SWEEP_INTERVAL", "1s")})
	fs := feedbackServer{srv: srv, admin: srv.loginExisting(t, adminPhone), regulator: srv.signUp(t)}
	makeRegulator(t, fs.admin, fs.regulator, "310000")
	return fs
}

// visitDone has carer give the bath of order path from start to
// check-out, as the visit story does.
func visitDone(t *testing.T, owner, carer *person, orderPath string, home point) {
	t.Helper()
	at := map[string]any{"lat": home.lat + 0.0003, "lng": home.lng, "deviceTime": time.Now().Format(time.RFC3339)}
	wantStatus(t, owner.post(t, orderPath+"/dispatch", map[string]string{"caregiverId": carer.id}), http.StatusOK)
	for _, step := range []struct {
		action string
		body   any
	}{{"start", nil}, {"check-in", at}, {"begin", nil}} {
		wantStatus(t, carer.post(t, orderPath+"/"+step.action, step.body), http.StatusOK)
	}
	wantStatus(t, carer.do(t, http.MethodPut, orderPath+"/record", map[string]any{
		"checklist": []string{"water_temperature_checked", "skin_checked", "dressed"}}), http.StatusOK)
	if got := must[orderView](t, carer.post(t, orderPath+"/check-out", at), http.StatusOK); got.Status != "completed" {
		t.Fatalf("after check-out the order is %s", got.Status)
	}
}

type ratingView struct {
	OrderID          string    `json:"orderId"`
	Stars            int       `json:"stars"`
	Tags             []string  `json:"tags"`
	Text             string    `json:"text"`
	RatedBy          string    `json:"ratedBy"`
	RatedAt          time.Time `json:"ratedAt"`
	SuggestComplaint bool      `json:"suggestComplaint"`
}

type complaintView struct {
	ID       string `json:"id"`
	FamilyID string `json:"familyId"`
	Subject  struct {
		Kind string `json:"kind"`
		ID   string `json:"id"`
	} `json:"subject"`
	ProviderID string    `json:"providerId"`
	Status     string    `json:"status"`
	FiledAt    time.Time `json:"filedAt"`
	RespondBy  time.Time `json:"respondBy"`
	Response   *struct {
		Text string    `json:"text"`
		At   time.Time `json:"at"`
		Late bool      `json:"late"`
	} `json:"response"`
	Escalation *struct {
		By string `json:"by"`
	} `json:"escalation"`
	Decision *struct {
		Outcome       string `json:"outcome"`
		Credit        string `json:"credit"`
		CreditPending bool   `json:"creditPending"`
	} `json:"decision"`
}

type figuresView struct {
	WindowDays            int  `json:"windowDays"`
	Filed                 int  `json:"filed"`
	Answered              int  `json:"answered"`
	AnsweredInTime        int  `json:"answeredInTime"`
	Escalated             int  `json:"escalated"`
	Open                  int  `json:"open"`
	MedianResponseMinutes *int `json:"medianResponseMinutes"`
}
