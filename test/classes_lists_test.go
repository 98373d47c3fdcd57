package e2e_test

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

type pageOf[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"nextCursor"`
}

// getter is a signed-in person's get, or the server's without one.
type getter func(t *testing.T, path string, hdr ...string) *response

// allPages reads a list page by page, limit items a page.
func allPages[T any](t *testing.T, get getter, path string, limit int) ([]T, int) {
	t.Helper()
	var out []T
	pages := 0
	cursor := ""
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	for {
		q := path + sep + "limit=" + strconv.Itoa(limit)
		if cursor != "" {
			q += "&cursor=" + cursor
		}
		pg := must[pageOf[T]](t, get(t, q), http.StatusOK)
		out = append(out, pg.Items...)
		pages++
		if pg.NextCursor == "" {
			return out, pages
		}
		cursor = pg.NextCursor
	}
}

// TestAnOrganiserListsAndEditsItsCoursesAndAParentHerBookings: an
// organiser's courses and each course's sessions, page by page (the
// public sees scheduled sessions, the organiser cancelled ones too); the
// organiser edits a course — its words at once, seats and price for
// sessions scheduled after — and another organiser cannot; a mother
// lists her own bookings, by status, page by page, and sees nobody
// else's.
func TestAnOrganiserListsAndEditsItsCoursesAndAParentHerBookings(t *testing.T) {
	t.Parallel()
	clk := newOffsetClock(t)
	srv, platform := startClassServer(t, clk, "")
	owner, rival := srv.signUp(t), srv.signUp(t)
	org := owner.classOrganizer(t, platform)
	rivalOrg := rival.classOrganizer(t, platform)
	mum, dad := srv.signUp(t), srv.signUp(t)

	sleep := owner.course(t, org.ID, courseBody(10, nil))
	feeding := owner.course(t, org.ID, courseBody(10, map[string]any{"topics": []string{"feeding"}}))
	courses, pages := allPages[courseView](t, srv.get, "/v1/providers/"+org.ID+"/courses", 1)
	if len(courses) != 2 || pages != 2 || courses[0].ID != sleep.ID || courses[1].ID != feeding.ID {
		t.Fatalf("courses %+v in %d pages, want %s then %s", courses, pages, sleep.ID, feeding.ID)
	}

	start := startOfMinute(clk.now(), 48*time.Hour)
	var ids []string
	for i := range 3 {
		ids = append(ids, owner.schedule(t, sleep.ID, start.Add(time.Duration(2-i)*3*time.Hour), nil).ID)
	}
	slices.Reverse(ids) // soonest first
	wantStatus(t, owner.post(t, "/v1/sessions/"+ids[1]+"/cancel", map[string]string{"reason": "讲师出差"}), http.StatusOK)
	public, _ := allPages[classSessionView](t, srv.get, "/v1/courses/"+sleep.ID+"/sessions", 1)
	if len(public) != 2 || public[0].ID != ids[0] || public[1].ID != ids[2] || public[0].Remaining != 10 {
		t.Fatalf("the public sees %+v, want %s and %s with 10 seats left", public, ids[0], ids[2])
	}
	mine, pages := allPages[classSessionView](t, owner.get, "/v1/courses/"+sleep.ID+"/sessions", 2)
	if len(mine) != 3 || pages != 2 || mine[1].Status != "cancelled" {
		t.Fatalf("the organiser sees %+v in %d pages", mine, pages)
	}

	// Editing: the organiser may, another organiser may not.
	edit := map[string]any{"title": map[string]string{"zhCN": "婴儿睡眠进阶", "en": "Infant sleep II"}, "seats": 25,
		"priceFen": 3000}
	wantProblem(t, rival.patch(t, "/v1/courses/"+sleep.ID, edit), http.StatusNotFound, "course_not_found")
	wantProblem(t, mum.patch(t, "/v1/courses/"+sleep.ID, edit), http.StatusNotFound, "course_not_found")
	wantProblem(t, owner.patch(t, "/v1/courses/"+sleep.ID, map[string]any{"seats": 0}), http.StatusUnprocessableEntity,
		"validation_failed")
	wantProblem(t, owner.patch(t, "/v1/courses/"+sleep.ID, map[string]any{"format": "online"}), http.StatusUnprocessableEntity,
		"validation_failed")
	edited := must[struct {
		Title    struct{ ZhCN string } `json:"title"`
		Seats    int                   `json:"seats"`
		PriceFen int64                 `json:"priceFen"`
	}](t, owner.patch(t, "/v1/courses/"+sleep.ID, edit), http.StatusOK)
	if edited.Title.ZhCN != "婴儿睡眠进阶" || edited.Seats != 25 || edited.PriceFen != 3000 {
		t.Fatalf("edited course %+v", edited)
	}
	if s := owner.session(t, ids[0]); s.Seats != 10 {
		t.Errorf("a session scheduled before the edit has %d seats, want its own 10", s.Seats)
	}
	if s := owner.schedule(t, sleep.ID, start.Add(24*time.Hour), nil); s.Seats != 25 {
		t.Errorf("a session scheduled after the edit has %d seats, want 25", s.Seats)
	}

	// The organiser's experts: a course names one and keeps their words.
	expert := must[struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}](t, owner.post(t, "/v1/providers/"+org.ID+"/experts", map[string]string{"name": "张教授", "title": "儿童发展研究员",
		"bio": "研究婴幼儿早期发展二十年"}), http.StatusCreated)
	wantProblem(t, rival.post(t, "/v1/providers/"+org.ID+"/experts", map[string]string{"name": "冒名者"}),
		http.StatusNotFound, "provider_not_found")
	experts, _ := allPages[struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}](t, srv.get, "/v1/providers/"+org.ID+"/experts", 10)
	if len(experts) != 1 || experts[0].ID != expert.ID || experts[0].Name != "张教授" {
		t.Fatalf("experts %+v", experts)
	}
	named := courseBody(10, map[string]any{"speaker": nil, "speakerId": expert.ID})
	withExpert := must[struct {
		SpeakerID string `json:"speakerId"`
		Speaker   struct {
			Name  string `json:"name"`
			Title string `json:"title"`
		} `json:"speaker"`
	}](t, owner.post(t, "/v1/providers/"+org.ID+"/courses", named), http.StatusCreated)
	if withExpert.SpeakerID != expert.ID || withExpert.Speaker.Name != "张教授" || withExpert.Speaker.Title != "儿童发展研究员" {
		t.Errorf("a course naming an expert: %+v", withExpert)
	}
	// Another organiser's expert is not theirs to name.
	wantFieldCode(t, wantProblem(t, rival.post(t, "/v1/providers/"+rivalOrg.ID+"/courses", named),
		http.StatusUnprocessableEntity, "course_invalid"), "/speakerId", "not_found")
	wantFieldCode(t, wantProblem(t, owner.post(t, "/v1/providers/"+org.ID+"/courses", courseBody(10, map[string]any{
		"speaker": nil, "speakerId": "nobody"})), http.StatusUnprocessableEntity, "course_invalid"), "/speakerId", "not_found")
	wantFieldCode(t, wantProblem(t, owner.post(t, "/v1/providers/"+org.ID+"/courses", courseBody(10, map[string]any{
		"speaker": nil})), http.StatusUnprocessableEntity, "course_invalid"), "/speaker/name", "required")

	// A mother's own bookings.
	other := owner.schedule(t, feeding.ID, start.Add(time.Hour), nil)
	first := must[classBookingView](t, mum.bookSeat(t, ids[0], "a"), http.StatusCreated)
	second := must[classBookingView](t, mum.bookSeat(t, ids[2], "b"), http.StatusCreated)
	third := must[classBookingView](t, mum.bookSeat(t, other.ID, "c"), http.StatusCreated)
	must[classBookingView](t, dad.bookSeat(t, ids[0], "d"), http.StatusCreated)
	wantStatus(t, mum.post(t, "/v1/class-bookings/"+second.ID+"/cancel", nil), http.StatusOK)
	all, pages := allPages[classBookingView](t, mum.get, "/v1/me/class-bookings", 2)
	if len(all) != 3 || pages != 2 || all[0].ID != third.ID || all[1].ID != second.ID || all[2].ID != first.ID {
		t.Fatalf("mum's bookings %+v in %d pages, want newest first %s %s %s", all, pages, third.ID, second.ID, first.ID)
	}
	cancelled, _ := allPages[classBookingView](t, mum.get, "/v1/me/class-bookings?status=cancelled", 10)
	if len(cancelled) != 1 || cancelled[0].ID != second.ID || cancelled[0].Status != "cancelled" {
		t.Fatalf("mum's cancelled bookings %+v", cancelled)
	}
	dads, _ := allPages[classBookingView](t, dad.get, "/v1/me/class-bookings", 10)
	if len(dads) != 1 || dads[0].BookedBy == mum.id {
		t.Fatalf("dad's bookings %+v", dads)
	}
	wantProblem(t, mum.get(t, "/v1/me/class-bookings?status=pending"), http.StatusBadRequest, "invalid_parameter")
	wantStatus(t, srv.get(t, "/v1/me/class-bookings"), http.StatusUnauthorized)
}
