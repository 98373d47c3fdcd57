package dailyreport_test

import (
	"testing"
	"time"

	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/dailyreport"
	"github.com/kincare/kincare/domain/fault/faulttest"
)

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

var date = calendar.Date{Year: 2026, Month: time.November, Day: 25}

func at(hhmm string) time.Time {
	t, _ := time.ParseInLocation("2006-01-02 15:04", date.String()+" "+hhmm, shanghai)
	return t
}

func content(r *dailyreport.Report) dailyreport.Content {
	return dailyreport.Content{
		Meals:     []dailyreport.Meal{{Kind: "lunch", Food: "番茄鸡蛋面", Amount: dailyreport.Most}},
		Naps:      []dailyreport.Nap{{Start: at("12:30"), End: at("14:30")}},
		Toileting: []dailyreport.Toileting{{At: at("10:00"), Kind: "wet"}},
		Mood:      "happy", PhotoRefs: []string{r.PhotoPrefix() + "lunch.jpg"},
	}
}

func TestAReportIsPublishedOnceAndCorrectedInVersions(t *testing.T) {
	r := dailyreport.New("c", "f", "p", date, "Asia/Shanghai", "t1", at("09:00"))
	faulttest.Is(t, r.Publish("t1", "乐乐", at("09:05"), "e0"), dailyreport.ErrEmpty)
	if err := r.Fill(content(r), "t1", "", at("15:00"), "e1"); err != nil {
		t.Fatal(err)
	}
	if r.Published() || len(r.Pending()) != 0 {
		t.Fatal("a draft is neither published nor announced")
	}
	if err := r.Publish("t1", "乐乐", at("16:00"), "e2"); err != nil {
		t.Fatal(err)
	}
	if !r.Published() || r.Version() != 1 || r.Corrected() {
		t.Fatalf("published %v v%d corrected %v", r.Published(), r.Version(), r.Corrected())
	}
	faulttest.Is(t, r.Publish("t1", "乐乐", at("16:01"), "e3"), dailyreport.ErrAlreadyPublished)
	c := content(r)
	c.Meals[0].Amount = dailyreport.Half
	faulttest.Is(t, r.Fill(c, "t1", "", at("16:30"), "e4"), dailyreport.ErrReasonRequired)
	// The family reads the reason: it is display text.
	err := r.Fill(c, "t1", "午饭\u202e只吃了一半", at("16:30"), "e4")
	faulttest.Is(t, err, dailyreport.ErrInvalid)
	if code := faulttest.Fields(err)["/correctionReason"]; code != "bidi_control" {
		t.Errorf("a reason with a bidi override: %q, want bidi_control", code)
	}
	if err := r.Fill(c, "t1", "午饭只吃了一半", at("16:30"), "e5"); err != nil {
		t.Fatal(err)
	}
	if r.Version() != 2 || !r.Corrected() || r.Corrections()[0].Previous.Meals[0].Amount != dailyreport.Most ||
		r.Content().Meals[0].Amount != dailyreport.Half {
		t.Fatalf("v%d corrections %+v", r.Version(), r.Corrections())
	}
	var types []string
	for _, e := range r.Pending() {
		types = append(types, string(e.Type))
	}
	if len(types) != 2 || types[0] != string(dailyreport.EventPublished) || types[1] != string(dailyreport.EventCorrected) {
		t.Errorf("events %v", types)
	}
}

func TestAReportHoldsItsOwnDay(t *testing.T) {
	r := dailyreport.New("c", "f", "p", date, "Asia/Shanghai", "t1", at("09:00"))
	c := content(r)
	c.Naps[0].Start = at("12:30").Add(24 * time.Hour)
	c.PhotoRefs = []string{"daily-reports/someone-else/x.jpg", "https://evil.example/x.jpg", r.PhotoPrefix() + "../x.jpg"}
	c.Meals[0].Amount = "plenty"
	c.Activities = []string{"  ", "搭积木\x1b[2J"}
	err := r.Fill(c, "t1", "", at("15:00"), "e")
	faulttest.Is(t, err, dailyreport.ErrInvalid)
	fields := faulttest.Fields(err)
	for f, code := range map[string]string{"/naps/0/start": "not_that_day", "/meals/0/amount": "enum",
		"/photoRefs/0": "not_under_prefix", "/photoRefs/1": "not_under_prefix", "/photoRefs/2": "not_under_prefix",
		"/activities/0": "required", "/activities/1": "control_character"} {
		if fields[f] != code {
			t.Errorf("%s: %q, want %q (all: %v)", f, fields[f], code, fields)
		}
	}
	early := dailyreport.New("c", "f", "p", date, "Asia/Shanghai", "t1", at("09:00"))
	faulttest.Is(t, early.Fill(content(early), "t1", "", at("00:00").Add(-time.Minute), "e"), dailyreport.ErrTooEarly)
}
