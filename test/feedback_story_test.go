package e2e_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kincare/kincare/test/fakefcm"
)

// complaintDeadline is how long the provider has to answer in these
// stories: long enough for the steps that must come before it, short
// enough to wait for on the real clock the binary runs on.
const complaintDeadline = 8 * time.Second

// TestDaughterRatesABathBadlyComplainsAndTheRegulatorDecides: a daughter
// rates her mother's bath 2 stars and is asked whether to complain; she
// complains; the provider, a model provider on the red list, lets the
// deadline pass, so the complaint goes to the regulator by itself; its
// answer comes late and settles nothing; the regulator upholds the
// complaint and takes the provider off the red list. Each party's phone
// hears its steps, and the public page shows the rating, the complaint
// figures and the new standing.
func TestDaughterRatesABathBadlyComplainsAndTheRegulatorDecides(t *testing.T) {
	t.Parallel()
	fcm := fakefcm.Start(t)
	fs := startFeedbackServer(t, fcm, complaintDeadline)
	srv, platform, regulator := fs.srv, fs.admin, fs.regulator
	home := point{lat: 31.1883, lng: 121.4365}

	// A bathing provider the regulator has red-listed as a model, and its bather.
	owner := srv.signUp(t)
	ownerPhone := owner.addDevice(t, "android")
	prov := owner.register(t, providerBody(uniqueName("徐汇助浴服务中心"), home.offset(700, 700), 3, newPhone(),
		map[string]any{"openingHours": allDay()}))
	platform.verify(t, prov.ID)
	wantStatus(t, regulator.setCredit(t, prov.ID, "red_listed", "2026 年度诚信示范机构"), http.StatusOK)
	bath := owner.addItem(t, prov.ID, itemBody("bathing", 15000, 12000))
	bather := owner.hireCaregiver(t, prov.ID, []string{"bathing"}, point{lat: home.lat + 0.004, lng: home.lng}, allDay())
	batherPhone := bather.addDevice(t, "android")
	rival := srv.signUp(t)
	rival.register(t, providerBody(uniqueName("闵行居家养老"), home.offset(-900, 0), 3, newPhone(), nil))

	// The daughter orders a bath for her mother; it is given.
	daughter := srv.signUp(t)
	daughterPhone := daughter.addDevice(t, "ios")
	fam := daughter.createFamily(t, uniqueName("王家"))
	mother := daughter.addElder(t, fam.ID, elderBody("王秀兰", map[string]any{"address": address(home.lat, home.lng)}))
	start, end := soonWindow(45 * time.Minute)
	window := map[string]string{"start": start.Format(time.RFC3339), "end": end.Format(time.RFC3339)}
	q := must[quoteView](t, daughter.post(t, "/v1/quotes", map[string]any{"elderId": mother.ID, "providerId": prov.ID,
		"itemId": bath.ID, "window": window}), http.StatusOK)
	o := must[orderView](t, daughter.post(t, "/v1/orders", map[string]any{"elderId": mother.ID, "providerId": prov.ID,
		"itemId": bath.ID, "priceVersion": q.PriceVersion, "window": window}, "Idempotency-Key", randomID()), http.StatusCreated)
	orderPath := "/v1/orders/" + o.ID
	ratePath := orderPath + "/rating"
	stranger := srv.signUp(t)
	wantProblem(t, daughter.post(t, ratePath, map[string]any{"stars": 5}), http.StatusConflict, "order_not_rateable")
	visitDone(t, owner, bather, orderPath, home)

	// She rates it 2 stars; the comment may not carry a phone number or a link.
	bad := wantProblem(t, daughter.post(t, ratePath, map[string]any{"stars": 2, "text": "有事打 138 0013 8000"}),
		http.StatusUnprocessableEntity, "rating_invalid")
	wantFieldCode(t, bad, "/text", "contains_phone")
	bad = wantProblem(t, daughter.post(t, ratePath, map[string]any{"stars": 2, "text": "详见 www.example.cn"}),
		http.StatusUnprocessableEntity, "rating_invalid")
	wantFieldCode(t, bad, "/text", "contains_link")
	for _, stars := range []any{0, -1, 6, 1_000_000, 2.5, "5"} {
		wantProblem(t, daughter.post(t, ratePath, map[string]any{"stars": stars}), http.StatusUnprocessableEntity, "validation_failed")
	}
	wantProblem(t, daughter.post(t, ratePath, map[string]any{"stars": 2, "tags": []string{"lovely"}}),
		http.StatusUnprocessableEntity, "validation_failed")
	wantProblem(t, stranger.post(t, ratePath, map[string]any{"stars": 5}), http.StatusNotFound, "order_not_found")
	wantProblem(t, bather.post(t, ratePath, map[string]any{"stars": 5}), http.StatusForbidden, "order_action_forbidden")
	rated := must[ratingView](t, daughter.post(t, ratePath, map[string]any{"stars": 2, "tags": []string{"rushed", "late"},
		"text": "迟到了四十分钟，洗得很匆忙。"}), http.StatusCreated)
	if rated.Stars != 2 || !slices.Equal(rated.Tags, []string{"late", "rushed"}) || rated.RatedBy != daughter.id ||
		!rated.SuggestComplaint || rated.OrderID != o.ID {
		t.Fatalf("rating %s", compactJSON(rated))
	}
	wantProblem(t, daughter.post(t, ratePath, map[string]any{"stars": 4}), http.StatusConflict, "order_already_rated")
	ask := waitPushOf(t, fcm, daughterPhone, "order.complaint_suggested")
	if !strings.Contains(ask.Notification.Body, "2 星") || !strings.Contains(ask.Notification.Body, "投诉") {
		t.Errorf("the daughter is asked %q", ask.Notification.Body)
	}
	waitPushOf(t, fcm, batherPhone, "order.rated")
	waitPushOf(t, fcm, ownerPhone, "order.rated")
	if seen := must[struct {
		Rating *ratingView `json:"rating"`
	}](t, owner.get(t, orderPath), http.StatusOK); seen.Rating == nil || seen.Rating.Stars != 2 {
		t.Errorf("the provider sees the order's rating %+v", seen.Rating)
	}
	page := must[providerView](t, anonymous(srv).page(t, prov.ID), http.StatusOK)
	if *page.RatingAverage != 2 || *page.RatingCount != 1 {
		t.Errorf("public page rating %v of %d, want 2 of 1", *page.RatingAverage, *page.RatingCount)
	}
	staff := must[struct {
		Items []struct {
			UserID        string   `json:"userId"`
			RatingAverage *float64 `json:"ratingAverage"`
			RatingCount   *int64   `json:"ratingCount"`
		} `json:"items"`
	}](t, owner.get(t, "/v1/providers/"+prov.ID+"/staff"), http.StatusOK)
	for _, m := range staff.Items {
		if m.UserID == bather.id && (m.RatingCount == nil || *m.RatingCount != 1 || *m.RatingAverage != 2) {
			t.Errorf("the bather's rating in the staff list: %v of %v", m.RatingAverage, m.RatingCount)
		}
	}

	// She complains about the order. Nobody else can, and it is one complaint.
	body := map[string]any{"subject": map[string]string{"kind": "order", "id": o.ID}, "category": "late_or_no_show",
		"text": "护理员迟到四十分钟，洗澡过程很匆忙，母亲着凉了。", "desiredResolution": "apology",
		"photoKeys": []string{"families/" + fam.ID + "/1.jpg"}}
	wantProblem(t, stranger.post(t, "/v1/complaints", body, "Idempotency-Key", randomID()), http.StatusNotFound, "order_not_found")
	key := randomID()
	filed := must[complaintView](t, daughter.post(t, "/v1/complaints", body, "Idempotency-Key", key), http.StatusCreated)
	if filed.Status != "open" || filed.ProviderID != prov.ID || filed.FamilyID != fam.ID ||
		filed.RespondBy.Sub(filed.FiledAt) != complaintDeadline {
		t.Fatalf("filed %s", compactJSON(filed))
	}
	complaintPath := "/v1/complaints/" + filed.ID
	replay := daughter.post(t, "/v1/complaints", body, "Idempotency-Key", key)
	if again := must[complaintView](t, replay, http.StatusCreated); again.ID != filed.ID {
		t.Errorf("a retry filed %s, want %s again", again.ID, filed.ID)
	}
	exists := wantProblem(t, daughter.post(t, "/v1/complaints", body, "Idempotency-Key", randomID()), http.StatusConflict,
		"complaint_exists")
	if !strings.Contains(exists.Detail, filed.ID) {
		t.Errorf("complaint_exists says %q, want it to name %s", exists.Detail, filed.ID)
	}
	// Before the deadline it is between the family and the provider.
	wantProblem(t, regulator.get(t, complaintPath), http.StatusNotFound, "complaint_not_found")
	wantProblem(t, stranger.get(t, complaintPath), http.StatusNotFound, "complaint_not_found")
	wantProblem(t, rival.get(t, complaintPath), http.StatusNotFound, "complaint_not_found")
	wantProblem(t, daughter.post(t, complaintPath+"/escalate", nil), http.StatusConflict, "complaint_awaiting_response")
	wantProblem(t, daughter.post(t, complaintPath+"/response", map[string]string{"text": "我替机构回复"}),
		http.StatusForbidden, "complaint_action_forbidden")
	waitPushOf(t, fcm, ownerPhone, "complaint.filed")
	mine := must[struct{ Items []complaintView }](t, owner.get(t, "/v1/providers/"+prov.ID+"/complaints?status=open"), http.StatusOK)
	if len(mine.Items) != 1 || mine.Items[0].ID != filed.ID {
		t.Errorf("the provider's open complaints %s", compactJSON(mine))
	}
	wantProblem(t, rival.get(t, "/v1/providers/"+prov.ID+"/complaints"), http.StatusNotFound, "provider_not_found")

	// The provider does not answer in time: the complaint goes to the regulator by itself.
	var escalated complaintView
	if !waitUntil(complaintDeadline+15*time.Second, func() bool {
		escalated = must[complaintView](t, daughter.get(t, complaintPath), http.StatusOK)
		return escalated.Status == "escalated"
	}) {
		t.Fatalf("%s after the deadline: %s", complaintDeadline+15*time.Second, compactJSON(escalated))
	}
	if escalated.Escalation == nil || escalated.Escalation.By != "system" {
		t.Errorf("escalation %s, want by the system", compactJSON(escalated.Escalation))
	}
	waitPushOf(t, fcm, daughterPhone, "complaint.escalated")
	waitPushOf(t, fcm, ownerPhone, "complaint.escalated")

	// Its late answer is kept for the regulator; another provider cannot answer at all.
	wantProblem(t, rival.post(t, complaintPath+"/response", map[string]string{"text": "与我无关"}), http.StatusNotFound,
		"complaint_not_found")
	late := must[complaintView](t, owner.post(t, complaintPath+"/response",
		map[string]string{"text": "非常抱歉，护理员当天车辆故障，已安排培训。"}), http.StatusOK)
	if late.Status != "escalated" || late.Response == nil || !late.Response.Late {
		t.Fatalf("after the late answer %s", compactJSON(late))
	}
	waitPushOf(t, fcm, daughterPhone, "complaint.responded")
	wantProblem(t, daughter.post(t, complaintPath+"/accept", nil), http.StatusConflict, "complaint_status_conflict")

	// The regulator finds it on the list of its region, upholds it and lowers the provider's credit.
	listed := must[struct{ Items []complaintView }](t, regulator.get(t, "/v1/regulator/complaints?region=3101&status=escalated"),
		http.StatusOK)
	if !slices.ContainsFunc(listed.Items, func(c complaintView) bool { return c.ID == filed.ID }) {
		t.Fatalf("the regulator's list %s does not have %s", compactJSON(listed), filed.ID)
	}
	wantProblem(t, daughter.get(t, "/v1/regulator/complaints"), http.StatusForbidden, "forbidden")
	decision := map[string]any{"outcome": "upheld", "text": "投诉属实，服务商未在规定时间内回复，取消诚信示范评定。",
		"credit": map[string]string{"status": "normal"}}
	wantProblem(t, owner.post(t, complaintPath+"/decision", decision), http.StatusForbidden, "forbidden")
	decided := must[complaintView](t, regulator.post(t, complaintPath+"/decision", decision), http.StatusOK)
	if decided.Status != "decided" || decided.Decision == nil || decided.Decision.Outcome != "upheld" ||
		decided.Decision.Credit != "normal" || decided.Decision.CreditPending {
		t.Fatalf("decided %s", compactJSON(decided))
	}
	wantProblem(t, regulator.post(t, complaintPath+"/decision", decision), http.StatusConflict, "complaint_status_conflict")
	waitPushOf(t, fcm, daughterPhone, "complaint.decided")
	waitPushOf(t, fcm, ownerPhone, "complaint.decided")

	// The public page: the new standing with its reason, the rating, the complaint figures.
	figures := must[struct {
		providerView
		Complaints figuresView `json:"complaints"`
	}](t, anonymous(srv).page(t, prov.ID), http.StatusOK)
	if figures.Credit != "normal" || !strings.Contains(figures.CreditReason, filed.ID) {
		t.Errorf("credit %q (%q), want normal for complaint %s", figures.Credit, figures.CreditReason, filed.ID)
	}
	f := figures.Complaints
	if *figures.ComplaintCount != 1 || f.WindowDays != 90 || f.Filed != 1 || f.Answered != 1 || f.AnsweredInTime != 0 ||
		f.Escalated != 1 || f.Open != 0 || f.MedianResponseMinutes == nil {
		t.Errorf("complaint figures %s (count %d)", compactJSON(f), *figures.ComplaintCount)
	}
	// The daughter's phone heard every step meant for her, in order.
	var hers []string
	for _, typ := range pushTypes(fcm, daughterPhone) {
		if strings.HasPrefix(typ, "complaint.") || typ == "order.complaint_suggested" {
			hers = append(hers, typ)
		}
	}
	want := []string{"order.complaint_suggested", "complaint.filed", "complaint.escalated", "complaint.responded",
		"complaint.decided"}
	if !slices.Equal(hers, want) {
		t.Errorf("the daughter's phone heard %v, want %v", hers, want)
	}
}
