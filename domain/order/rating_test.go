package order_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kincare/kincare/domain/fault/faulttest"
	"github.com/kincare/kincare/domain/order"
)

func TestTheFamilyRatesACompletedVisitOnceAndTheProviderHears(t *testing.T) {
	o := in(t, order.StatusCompleted)
	at := checkOutAt.Add(3 * time.Hour)
	r, err := o.Rate(order.ByFamily("son"), order.RatingInput{Stars: 5, Tags: []order.Tag{order.TagSkilled, order.TagOnTime},
		Text: "  阿姨很细心  "}, eid(), at)
	must(t, err)
	if r.Stars != 5 || r.By != "son" || !r.At.Equal(at) || r.Text != "阿姨很细心" ||
		!reflect.DeepEqual(r.Tags, []order.Tag{order.TagOnTime, order.TagSkilled}) {
		t.Fatalf("rating %+v: want 5 stars by the son, text trimmed, tags in the catalogue's order", r)
	}
	if got, ok := o.Rating(); !ok || !reflect.DeepEqual(got, r) {
		t.Fatalf("Rating() = %+v, %v", got, ok)
	}
	if o.Status() != order.StatusCompleted {
		t.Errorf("rating moved the order to %s", o.Status())
	}
	e := lastEvent(t, o)
	if e.Type != order.EventRated || e.Data["stars"] != "5" || e.Data["tags"] != "on_time,skilled" ||
		e.Data["caregiverId"] != "cg1" || e.Data["ratedBy"] != "son" {
		t.Fatalf("event %s %v", e.Type, e.Data)
	}
	for _, ev := range o.Pending() {
		if ev.Type == order.EventComplaintSuggested {
			t.Fatal("a 5-star rating asked about a complaint")
		}
	}
	_, err = o.Rate(daughter, order.RatingInput{Stars: 4}, eid(), at.Add(time.Minute))
	faulttest.Is(t, err, order.ErrAlreadyRated)

	// A snapshot keeps it.
	back := order.Unmarshal(o.Snapshot())
	if got, _ := back.Rating(); !reflect.DeepEqual(got, r) {
		t.Errorf("after a snapshot the rating is %+v", got)
	}
}

func TestALowRatingAsksItsGiverAboutAComplaint(t *testing.T) {
	o := in(t, order.StatusConfirmed)
	id := eid()
	if _, err := o.Rate(daughter, order.RatingInput{Stars: 2, Tags: []order.Tag{order.TagLate, order.TagRushed}}, id,
		checkOutAt.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	p := o.Pending()
	rated, ask := p[len(p)-2], p[len(p)-1]
	if rated.Type != order.EventRated || rated.ID != id {
		t.Fatalf("first %s %s", rated.Type, rated.ID)
	}
	if ask.Type != order.EventComplaintSuggested || ask.ID == id || ask.ID == "" || ask.Data["ratedBy"] != "daughter" ||
		ask.Data["stars"] != "2" {
		t.Fatalf("then %s %s %v", ask.Type, ask.ID, ask.Data)
	}
}

func TestARatingComesAfterTheVisitAndWithinFourteenDays(t *testing.T) {
	good := order.RatingInput{Stars: 4}
	for _, s := range []order.Status{order.StatusCreated, order.StatusOffered, order.StatusAccepted, order.StatusArrived,
		order.StatusInService, order.StatusCancelledByFamily, order.StatusNoShowCaregiver, order.StatusNoShowRecipient,
		order.StatusExpired} {
		o := in(t, s)
		_, err := o.Rate(daughter, good, eid(), checkOutAt.Add(time.Hour))
		faulttest.Is(t, err, order.ErrNotRateable)
	}
	o := in(t, order.StatusCompleted)
	closes := checkOutAt.Add(order.RatingWindow)
	if !o.RatingClosesAt().Equal(closes) {
		t.Fatalf("closes at %s, want %s", o.RatingClosesAt(), closes)
	}
	_, err := o.Rate(daughter, good, eid(), closes)
	faulttest.Is(t, err, order.ErrRatingClosed)
	if _, err := o.Rate(daughter, good, eid(), closes.Add(-time.Second)); err != nil {
		t.Fatalf("a second before the window closes: %v", err)
	}
}

func TestOnlyTheFamilyRates(t *testing.T) {
	for _, by := range []order.Actor{cg1, dispatcher, order.BySystem, order.ByFamily("")} {
		o := in(t, order.StatusCompleted)
		_, err := o.Rate(by, order.RatingInput{Stars: 5}, eid(), checkOutAt.Add(time.Hour))
		faulttest.Is(t, err, order.ErrForbidden)
	}
}

func TestABadRatingNamesEveryField(t *testing.T) {
	o := in(t, order.StatusCompleted)
	for _, c := range []struct {
		in   order.RatingInput
		want map[string]string
	}{
		{order.RatingInput{Stars: 0}, map[string]string{"/stars": "range"}},
		{order.RatingInput{Stars: -3}, map[string]string{"/stars": "range"}},
		{order.RatingInput{Stars: 6}, map[string]string{"/stars": "range"}},
		{order.RatingInput{Stars: 1_000_000}, map[string]string{"/stars": "range"}},
		{order.RatingInput{Stars: 3, Tags: []order.Tag{"lovely", order.TagKind, order.TagKind}},
			map[string]string{"/tags/0": "enum", "/tags/2": "duplicate"}},
		{order.RatingInput{Stars: 3, Tags: []order.Tag{order.TagKind, order.TagClean, order.TagLate, order.TagRude,
			order.TagRushed, order.TagSkilled, order.TagThorough}}, map[string]string{"/tags": "maxItems"}},
		{order.RatingInput{Stars: 3, Text: strings.Repeat("好", order.MaxRatingText+1)}, map[string]string{"/text": "maxLength"}},
		{order.RatingInput{Stars: 1, Text: "有问题请打 138 0013 8000"}, map[string]string{"/text": "contains_phone"}},
		{order.RatingInput{Stars: 1, Text: "详见 https://example.cn/x"}, map[string]string{"/text": "contains_link"}},
	} {
		_, err := o.Rate(daughter, c.in, eid(), checkOutAt.Add(time.Hour))
		faulttest.Is(t, err, order.ErrRatingInvalid)
		if got := faulttest.Fields(err); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%+v: fields %v, want %v", c.in, got, c.want)
		}
	}
	if _, ok := o.Rating(); ok {
		t.Fatal("a refused rating was kept")
	}
	// Exactly 500 characters of Chinese are fine.
	if _, err := o.Rate(daughter, order.RatingInput{Stars: 3, Text: strings.Repeat("好", order.MaxRatingText)}, eid(),
		checkOutAt.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
}
