package mongo_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/kincare/kincare/app/complaints"
	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/complaint"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/provider"
	"github.com/kincare/kincare/test/testenv"
)

func newComplaint(t *testing.T, kind complaint.SubjectKind, subject, providerID, region string, filed time.Time) *complaint.Complaint {
	t.Helper()
	c, err := complaint.New(complaint.Draft{ID: uuid.Must(uuid.NewV7()).String(), FamilyID: "fam", FiledBy: "daughter",
		Subject: complaint.Subject{Kind: kind, ID: subject}, ProviderID: providerID, ProviderName: "幸福里",
		RegionCode: region, TimeZone: "Asia/Shanghai", Category: complaint.CategoryHygiene, Text: "浴室没有清洁干净",
		PhotoKeys: []string{"families/fam/1.jpg"}, Desired: complaint.WantRedo, RespondWithin: 48 * time.Hour},
		uuid.NewString(), filed)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestComplaints(t *testing.T) {
	store := testenv.Mongo(t)
	ctx := context.Background()
	cs := store.Complaints()
	now := time.Now().UTC().Truncate(time.Millisecond)

	first := newComplaint(t, complaint.AboutOrder, "o-1", "p-1", "310104", now.Add(-50*time.Hour))
	if err := cs.Create(ctx, first); err != nil {
		t.Fatal(err)
	}

	t.Run("every step round-trips with its events", func(t *testing.T) {
		got, err := cs.Update(ctx, first.ID(), func(c *complaint.Complaint) error {
			if err := c.Respond(complaint.ByProvider("office"), "抱歉", uuid.NewString(), now); err != nil {
				return err
			}
			return c.Decide(complaint.ByRegulator("reg"), complaint.DecisionInput{Outcome: complaint.Upheld,
				Text: "属实", Credit: provider.BlackListed}, uuid.NewString(), now.Add(time.Minute))
		})
		if err != nil {
			t.Fatal(err)
		}
		loaded, err := cs.Get(ctx, first.ID())
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(loaded.Snapshot(), got.Snapshot()) {
			t.Fatalf("read back\n%+v\nwant\n%+v", loaded.Snapshot(), got.Snapshot())
		}
		if len(loaded.Pending()) != 4 { // filed, escalated (late), responded, decided
			t.Fatalf("%d pending events", len(loaded.Pending()))
		}
		pending, err := cs.CreditPending(ctx, 10)
		if err != nil || !reflect.DeepEqual(pending, []string{first.ID()}) {
			t.Fatalf("credit pending %v, %v", pending, err)
		}
		if _, err := cs.Update(ctx, first.ID(), func(c *complaint.Complaint) error { c.CreditApplied(); return nil }); err != nil {
			t.Fatal(err)
		}
		if pending, _ := cs.CreditPending(ctx, 10); len(pending) != 0 {
			t.Fatalf("still pending %v", pending)
		}
	})

	t.Run("an order takes one complaint, a provider many", func(t *testing.T) {
		err := cs.Create(ctx, newComplaint(t, complaint.AboutOrder, "o-1", "p-1", "310104", now))
		if !fault.Is(err, complaint.ErrExists) {
			t.Fatalf("a second complaint about o-1: %v", err)
		}
		if fe, _ := fault.As(err); fe.Params["complaintId"] != first.ID() {
			t.Fatalf("it names %v, want %s", fe.Params, first.ID())
		}
		for range 2 {
			if err := cs.Create(ctx, newComplaint(t, complaint.AboutProvider, "p-2", "p-2", "320102", now)); err != nil {
				t.Fatal(err)
			}
		}
	})

	t.Run("the timer finds open complaints past their deadline, oldest first", func(t *testing.T) {
		late := newComplaint(t, complaint.AboutBooking, "b-1", "p-1", "310104", now.Add(-49*time.Hour))
		later := newComplaint(t, complaint.AboutBooking, "b-2", "p-1", "310104", now.Add(-48*time.Hour))
		fresh := newComplaint(t, complaint.AboutBooking, "b-3", "p-1", "310104", now.Add(-47*time.Hour))
		for _, c := range []*complaint.Complaint{fresh, later, late} {
			if err := cs.Create(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		ids, err := cs.Overdue(ctx, now, 10)
		if err != nil || !reflect.DeepEqual(ids, []string{late.ID(), later.ID()}) {
			t.Fatalf("overdue %v, %v; want [%s %s]", ids, err, late.ID(), later.ID())
		}
	})

	t.Run("lists filter by family, provider, status and region of escalated ones", func(t *testing.T) {
		all, _, err := cs.List(ctx, complaints.Filter{FamilyID: "fam"}, page.Request{Limit: 100})
		if err != nil || len(all) != 6 {
			t.Fatalf("family list: %d, %v", len(all), err)
		}
		for i := 1; i < len(all); i++ {
			if all[i-1].ID() < all[i].ID() {
				t.Fatal("not newest first")
			}
		}
		p2, _, _ := cs.List(ctx, complaints.Filter{ProviderID: "p-2"}, page.Request{Limit: 100})
		open, _, _ := cs.List(ctx, complaints.Filter{ProviderID: "p-1", Statuses: []complaint.Status{complaint.StatusOpen}},
			page.Request{Limit: 100})
		shanghai, _, _ := cs.List(ctx, complaints.Filter{Escalated: true, Region: "31"}, page.Request{Limit: 100})
		jiangsu, _, _ := cs.List(ctx, complaints.Filter{Escalated: true, Region: "3201"}, page.Request{Limit: 100})
		if len(p2) != 2 || len(open) != 3 || len(shanghai) != 1 || shanghai[0].ID() != first.ID() || len(jiangsu) != 0 {
			t.Fatalf("p-2 %d, p-1 open %d, escalated in 31 %d, in 3201 %d", len(p2), len(open), len(shanghai), len(jiangsu))
		}
		page1, more, _ := cs.List(ctx, complaints.Filter{FamilyID: "fam"}, page.Request{Limit: 4})
		page2, more2, _ := cs.List(ctx, complaints.Filter{FamilyID: "fam"}, page.Request{Limit: 4, After: page1[3].ID()})
		if len(page1) != 4 || !more || len(page2) != 2 || more2 {
			t.Fatalf("pages of 4: %d (more %v) then %d (more %v)", len(page1), more, len(page2), more2)
		}
	})

	t.Run("figures read the complaints filed since, without their texts", func(t *testing.T) {
		got, err := cs.FiledSince(ctx, []string{"p-1", "p-9"}, now.Add(-49*time.Hour-time.Second))
		if err != nil || len(got) != 3 {
			t.Fatalf("filed since: %d, %v", len(got), err)
		}
		for _, c := range got {
			if c.ProviderID() != "p-1" || c.Text() != "" {
				t.Errorf("%s of %s with text %q", c.ID(), c.ProviderID(), c.Text())
			}
		}
	})
}
