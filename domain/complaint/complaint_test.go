package complaint_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kincare/kincare/domain/complaint"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/fault/faulttest"
	"github.com/kincare/kincare/domain/provider"
)

var (
	shanghai, _ = time.LoadLocation("Asia/Shanghai")
	filedAt     = time.Date(2026, 11, 27, 20, 0, 0, 0, shanghai)
	daughter    = complaint.ByFamily("daughter")
	office      = complaint.ByProvider("dispatcher")
	regulator   = complaint.ByRegulator("official")
	ids         int
)

func eid() string {
	ids++
	return fmt.Sprintf("e%d", ids)
}

func draft() complaint.Draft {
	return complaint.Draft{ID: "c1", FamilyID: "wang", FiledBy: "daughter",
		Subject: complaint.Subject{Kind: complaint.AboutOrder, ID: "o1"}, ProviderID: "xinfu",
		ProviderName: "幸福里助浴", RegionCode: "310104", TimeZone: "Asia/Shanghai",
		Category: complaint.CategoryLateOrNoShow, Text: "护理员迟到一小时，洗澡过程很匆忙。",
		PhotoKeys: []string{"families/wang/1.jpg"}, Desired: complaint.WantApology, RespondWithin: 48 * time.Hour}
}

func filed(t *testing.T) *complaint.Complaint {
	t.Helper()
	c, err := complaint.New(draft(), eid(), filedAt)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func last(t *testing.T, c *complaint.Complaint) event.Event {
	t.Helper()
	p := c.Pending()
	if len(p) == 0 {
		t.Fatal("no events")
	}
	return p[len(p)-1]
}

func TestAFiledComplaintWaitsFortyEightHoursForTheProvider(t *testing.T) {
	c := filed(t)
	if c.Status() != complaint.StatusOpen || !c.RespondBy().Equal(filedAt.Add(48*time.Hour)) || c.RegulatorMaySee(filedAt) {
		t.Fatalf("status %s respondBy %s", c.Status(), c.RespondBy())
	}
	e := last(t, c)
	if e.Type != complaint.EventFiled || e.Subject != (event.Subject{Kind: "complaint", ID: "c1"}) ||
		e.Data["providerId"] != "xinfu" || e.Data["familyId"] != "wang" || e.Data["respondByLocal"] != "2026-11-29 20:00" ||
		e.Data["provider"] != "幸福里助浴" {
		t.Fatalf("event %s %+v %v", e.Type, e.Subject, e.Data)
	}
	for k, v := range e.Data {
		if strings.Contains(v, "迟到") {
			t.Errorf("event data %s carries the complaint's text", k)
		}
	}
	back := complaint.Unmarshal(c.Snapshot())
	if !reflect.DeepEqual(back.Snapshot(), c.Snapshot()) {
		t.Errorf("a snapshot does not rebuild the same complaint")
	}
}

func TestNewRefusesABadDraftNamingEveryField(t *testing.T) {
	d := draft()
	d.ID, d.Subject.Kind, d.Category, d.Desired, d.Text = "", "elder", "bad_vibes", "money", "差"
	d.PhotoKeys = []string{"/etc/passwd", "families/wang/../li/a.jpg", "families/wang/ok.jpg", "families/wang/ok.jpg",
		"families/li/a.jpg", "https://evil.example/a.jpg"}
	_, err := complaint.New(d, eid(), filedAt)
	faulttest.Is(t, err, complaint.ErrInvalid)
	want := map[string]string{"/id": "required", "/subject/kind": "enum", "/category": "enum",
		"/desiredResolution": "enum", "/text": "minLength", "/photoKeys/0": "not_under_prefix",
		"/photoKeys/1": "not_under_prefix", "/photoKeys/3": "duplicate", "/photoKeys/4": "not_under_prefix",
		"/photoKeys/5": "not_under_prefix"}
	if got := faulttest.Fields(err); !reflect.DeepEqual(got, want) {
		t.Fatalf("fields %v\nwant %v", got, want)
	}
	d = draft()
	d.Text = strings.Repeat("慢", complaint.MaxText+1)
	d.PhotoKeys = make([]string, complaint.MaxPhotos+1)
	for i := range d.PhotoKeys {
		d.PhotoKeys[i] = fmt.Sprintf("families/wang/%d.jpg", i)
	}
	_, err = complaint.New(d, eid(), filedAt)
	if got := faulttest.Fields(err); got["/text"] != "maxLength" || got["/photoKeys"] != "maxItems" {
		t.Fatalf("fields %v", got)
	}
}

func TestTheProviderAnswersInTimeAndTheFamilyAccepts(t *testing.T) {
	c := filed(t)
	at := filedAt.Add(5 * time.Hour)
	faulttest.Is(t, c.Respond(daughter, "对不起", eid(), at), complaint.ErrForbidden)
	faulttest.Is(t, c.Respond(office, "   ", eid(), at), complaint.ErrInvalid)
	faulttest.Is(t, c.Accept(daughter, eid(), at), complaint.ErrTransition)
	if err := c.Respond(office, "非常抱歉，已对护理员进行培训，并退还本次费用。", eid(), at); err != nil {
		t.Fatal(err)
	}
	if r, _ := c.Reply(); c.Status() != complaint.StatusResponded || r.Late || r.By != "dispatcher" {
		t.Fatalf("after the answer: %s %+v", c.Status(), r)
	}
	if d, ok := c.ResponseTime(); !ok || d != 5*time.Hour {
		t.Fatalf("response time %s", d)
	}
	if e := last(t, c); e.Type != complaint.EventResponded || e.Data["late"] != "false" {
		t.Fatalf("event %s %v", e.Type, e.Data)
	}
	faulttest.Is(t, c.Respond(office, "补充说明", eid(), at.Add(time.Hour)), complaint.ErrTransition)
	faulttest.Is(t, c.Accept(office, eid(), at), complaint.ErrForbidden)
	if err := c.Accept(daughter, eid(), at.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if c.Status() != complaint.StatusResolved || last(t, c).Type != complaint.EventResolved {
		t.Fatalf("after accepting: %s", c.Status())
	}
	faulttest.Is(t, c.Escalate(daughter, "", eid(), at.Add(3*time.Hour)), complaint.ErrTransition)
}

func TestTheTimerEscalatesAtTheDeadlineNotBefore(t *testing.T) {
	c := filed(t)
	due := c.RespondBy()
	faulttest.Is(t, c.Escalate(complaint.BySystem, "", eid(), due.Add(-time.Second)), complaint.ErrAwaitingResponse)
	if err := c.Escalate(complaint.BySystem, "", eid(), due); err != nil {
		t.Fatal(err)
	}
	esc, _ := c.Escalation()
	if c.Status() != complaint.StatusEscalated || esc.By != complaint.PartySystem || !c.RegulatorMaySee(filedAt) {
		t.Fatalf("%s %+v", c.Status(), esc)
	}
	if e := last(t, c); e.Type != complaint.EventEscalated || e.Data["by"] != "system" {
		t.Fatalf("event %s %v", e.Type, e.Data)
	}
	faulttest.Is(t, c.Escalate(complaint.BySystem, "", eid(), due.Add(time.Hour)), complaint.ErrTransition)

	// The late answer is kept for the regulator; it settles nothing.
	if err := c.Respond(office, "抱歉回复晚了", eid(), due.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if r, _ := c.Reply(); c.Status() != complaint.StatusEscalated || !r.Late {
		t.Fatalf("late answer: %s %+v", c.Status(), r)
	}
	faulttest.Is(t, c.Accept(daughter, eid(), due.Add(3*time.Hour)), complaint.ErrTransition)
}

func TestAnAnswerAfterTheDeadlineIsLateEvenBeforeTheTimerRuns(t *testing.T) {
	c := filed(t)
	if err := c.Respond(office, "抱歉", eid(), c.RespondBy().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	p := c.Pending()
	if c.Status() != complaint.StatusEscalated || p[len(p)-2].Type != complaint.EventEscalated ||
		p[len(p)-1].Type != complaint.EventResponded || p[len(p)-1].Data["late"] != "true" {
		t.Fatalf("%s, events %v", c.Status(), p)
	}
}

func TestTheFamilyEscalatesAnAnswerItDoesNotAccept(t *testing.T) {
	c := filed(t)
	faulttest.Is(t, c.Escalate(daughter, "没人理", eid(), filedAt.Add(time.Hour)), complaint.ErrAwaitingResponse)
	faulttest.Is(t, c.Escalate(office, "", eid(), filedAt.Add(time.Hour)), complaint.ErrForbidden)
	if err := c.Respond(office, "我们认为护理员没有问题。", eid(), filedAt.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	faulttest.Is(t, c.Escalate(daughter, strings.Repeat("不", complaint.MaxReply+1), eid(), filedAt.Add(3*time.Hour)),
		complaint.ErrInvalid)
	if err := c.Escalate(daughter, "回复敷衍", eid(), filedAt.Add(3*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if esc, _ := c.Escalation(); esc.By != complaint.PartyFamily || esc.Reason != "回复敷衍" || esc.UserID != "daughter" {
		t.Fatalf("escalation %+v", esc)
	}
}

func TestTheRegulatorDecidesAnEscalatedComplaintAndMayChangeCredit(t *testing.T) {
	c := filed(t)
	in := complaint.DecisionInput{Outcome: complaint.Upheld, Text: "投诉属实，责令整改", Credit: provider.CreditNormal}
	faulttest.Is(t, c.Decide(regulator, in, eid(), filedAt.Add(time.Hour)), complaint.ErrTransition)
	faulttest.Is(t, c.Decide(office, in, eid(), c.RespondBy()), complaint.ErrForbidden)
	bad := complaint.DecisionInput{Outcome: "guilty", Text: "", Credit: "grey_listed"}
	err := c.Decide(regulator, bad, eid(), c.RespondBy())
	if got := faulttest.Fields(err); !reflect.DeepEqual(got, map[string]string{"/outcome": "enum", "/text": "required",
		"/credit/status": "enum"}) {
		t.Fatalf("fields %v", got)
	}
	// Past the deadline the regulator may decide even before the timer ran.
	if err := c.Decide(regulator, in, eid(), c.RespondBy().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	d, _ := c.Decision()
	if c.Status() != complaint.StatusDecided || d.Outcome != complaint.Upheld || d.Credit != provider.CreditNormal ||
		!d.CreditPending || d.By != "official" {
		t.Fatalf("%s %+v", c.Status(), d)
	}
	if e := last(t, c); e.Type != complaint.EventDecided || e.Data["outcome"] != "upheld" || e.Data["credit"] != "normal" {
		t.Fatalf("event %s %v", e.Type, e.Data)
	}
	if !strings.HasPrefix(c.CreditReason(), "投诉 c1：投诉属实") {
		t.Errorf("credit reason %q", c.CreditReason())
	}
	if !c.CreditApplied() || c.CreditApplied() {
		t.Fatal("CreditApplied: want true once, then false")
	}
	faulttest.Is(t, c.Decide(regulator, in, eid(), c.RespondBy().Add(2*time.Hour)), complaint.ErrTransition)
	faulttest.Is(t, c.Respond(office, "晚了", eid(), c.RespondBy().Add(3*time.Hour)), complaint.ErrTransition)
}

func TestPublicStatsCountTheLastNinetyDaysAndTheMedianAnswer(t *testing.T) {
	now := filedAt.Add(100 * 24 * time.Hour)
	mk := func(daysAgo int, answerAfter time.Duration) *complaint.Complaint {
		c, err := complaint.New(draft(), eid(), now.Add(-time.Duration(daysAgo)*24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if answerAfter > 0 {
			if err := c.Respond(office, "已处理", eid(), c.FiledAt().Add(answerAfter)); err != nil {
				t.Fatal(err)
			}
		}
		return c
	}
	cs := []*complaint.Complaint{
		mk(95, time.Hour), // outside the window
		mk(80, 2*time.Hour),
		mk(40, 10*time.Hour),
		mk(10, 60*time.Hour), // late: escalated by answering
		mk(5, 4*time.Hour),
		mk(1, 0), // open
	}
	got := complaint.Summarize(cs, now)
	want := complaint.PublicStats{Filed: 5, Answered: 4, AnsweredInTime: 3, Escalated: 1, Open: 1,
		MedianResponse: 7 * time.Hour}
	if got != want {
		t.Fatalf("stats %+v\nwant  %+v", got, want)
	}
	if got := complaint.Summarize(nil, now); got != (complaint.PublicStats{}) {
		t.Fatalf("no complaints: %+v", got)
	}
}
