package mongo_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/kincare/kincare/adapters/mongo"
	"github.com/kincare/kincare/app/children"
	"github.com/kincare/kincare/app/elders"
	"github.com/kincare/kincare/app/families"
	"github.com/kincare/kincare/app/privacy"
	"github.com/kincare/kincare/domain/consent"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/test/testenv"
)

// The repositories implement the app's ports.
var (
	_ families.Store        = (*mongo.Families)(nil)
	_ families.Invites      = (*mongo.Invites)(nil)
	_ families.ElderRecords = (*mongo.Elders)(nil)
	_ families.ChildRecords = (*mongo.Children)(nil)
	_ families.AuditEraser  = (*mongo.Audit)(nil)
	_ elders.Store          = (*mongo.Elders)(nil)
	_ children.Store        = (*mongo.Children)(nil)
	_ privacy.AuditLog      = (*mongo.Audit)(nil)
)

// ms is a time as BSON gives it back: UTC, to the millisecond.
func ms(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }

// stored is a family's snapshot as it reads back from the database.
func stored(s family.Snapshot) family.Snapshot {
	s.CreatedAt = ms(s.CreatedAt)
	s.Members = slices.Clone(s.Members)
	for i := range s.Members {
		s.Members[i].JoinedAt = ms(s.Members[i].JoinedAt)
	}
	s.Consents = slices.Clone(s.Consents)
	if s.Consents == nil {
		s.Consents = []consent.Consent{}
	}
	for i := range s.Consents {
		s.Consents[i].GrantedAt = ms(s.Consents[i].GrantedAt)
		s.Consents[i].WithdrawnAt = ms(s.Consents[i].WithdrawnAt)
	}
	return s
}

func newFamily(t *testing.T, id, owner string, now time.Time) *family.Family {
	t.Helper()
	f, err := family.New(id, "王家", "Asia/Shanghai", owner, now)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestFamilies(t *testing.T) {
	store := testenv.Mongo(t)
	ctx := context.Background()
	fams := store.Families()
	// Not a round number of milliseconds, so truncation is exercised.
	// calendar-safe: the repository is handed every instant and the store reads no clock
	now := time.Date(2026, 3, 1, 8, 30, 0, 123_456_789, time.FixedZone("CST", 8*3600))

	t.Run("indexes are created idempotently", func(t *testing.T) {
		for range 2 {
			if err := store.EnsureIndexes(ctx); err != nil {
				t.Fatal(err)
			}
		}
	})

	t.Run("every field round-trips", func(t *testing.T) {
		f := newFamily(t, "f-round", "u-owner", now)
		if err := f.Join("u-member", family.RoleMember, now.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		c1, _ := consent.New("c-1", consent.ElderHealth, "e-1", "u-owner", consent.PolicyVersion, now.Add(2*time.Minute))
		c2, _ := consent.New("c-2", consent.ChildData, "", "u-member", consent.PolicyVersion, now.Add(3*time.Minute))
		for _, c := range []consent.Consent{c1, c2} {
			if _, err := f.GrantConsent("u-owner", c); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.WithdrawConsent("u-member", "c-2", now.Add(4*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if err := fams.Create(ctx, f); err != nil {
			t.Fatal(err)
		}
		got, err := fams.Get(ctx, "f-round")
		if err != nil {
			t.Fatal(err)
		}
		want := stored(f.Snapshot())
		if !reflect.DeepEqual(got.Snapshot(), want) {
			t.Fatalf("read back\n%+v\nwant\n%+v", got.Snapshot(), want)
		}
		if got.Location().String() != "Asia/Shanghai" {
			t.Fatalf("location %s", got.Location())
		}
		if _, ok := got.ConsentFor(consent.ElderHealth, "e-1"); !ok {
			t.Fatal("consent in force lost")
		}
		if _, ok := got.ConsentFor(consent.ChildData, ""); ok {
			t.Fatal("withdrawn consent back in force")
		}
		if err := fams.Create(ctx, f); err == nil {
			t.Fatal("a second family with one id was created")
		}
	})

	t.Run("unknown families are not found", func(t *testing.T) {
		if _, err := fams.Get(ctx, "nobody"); !fault.Is(err, family.ErrNotFound) {
			t.Fatalf("get: %v", err)
		}
		_, err := fams.Update(ctx, "nobody", func(*family.Family) error { t.Fatal("fn ran"); return nil })
		if !fault.Is(err, family.ErrNotFound) {
			t.Fatalf("update: %v", err)
		}
		if err := fams.Delete(ctx, "nobody"); !fault.Is(err, family.ErrNotFound) {
			t.Fatalf("delete: %v", err)
		}
	})

	t.Run("concurrent updates all apply", func(t *testing.T) {
		if err := fams.Create(ctx, newFamily(t, "f-race", "u-owner", now)); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for i := range 10 {
			wg.Go(func() {
				_, err := fams.Update(ctx, "f-race", func(f *family.Family) error {
					return f.Join(fmt.Sprintf("u-%d", i), family.RoleMember, now)
				})
				if err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		got, err := fams.Get(ctx, "f-race")
		if err != nil {
			t.Fatal(err)
		}
		if n := len(got.Members()); n != 11 {
			t.Fatalf("%d members, want 11: %v", n, got.Members())
		}
		for i := range 10 {
			if _, ok := got.RoleOf(fmt.Sprintf("u-%d", i)); !ok {
				t.Fatalf("u-%d lost to a concurrent update", i)
			}
		}
	})

	t.Run("an update returns fn's error unchanged and writes nothing", func(t *testing.T) {
		boom := errors.New("boom")
		_, err := fams.Update(ctx, "f-race", func(f *family.Family) error {
			_ = f.Rename("u-owner", "改名")
			return boom
		})
		if err != boom {
			t.Fatalf("error %v", err)
		}
		_, err = fams.Update(ctx, "f-race", func(f *family.Family) error { return f.Rename("u-3", "李家") })
		if !fault.Is(err, family.ErrOwnerRequired) {
			t.Fatalf("error %v", err)
		}
		got, _ := fams.Get(ctx, "f-race")
		if got.Name() != "王家" {
			t.Fatalf("a failed update wrote the name %q", got.Name())
		}
		updated, err := fams.Update(ctx, "f-race", func(f *family.Family) error { return f.Rename("u-owner", "李家") })
		if err != nil || updated.Name() != "李家" {
			t.Fatalf("rename: %v %v", updated, err)
		}
		if got, _ := fams.Get(ctx, "f-race"); got.Name() != "李家" {
			t.Fatalf("name %q", got.Name())
		}
	})

	t.Run("families are listed by member, oldest first", func(t *testing.T) {
		for i, id := range []string{"f-list-c", "f-list-a", "f-list-b"} {
			f := newFamily(t, id, "u-lister", now.Add(time.Duration(i)*time.Hour))
			if id != "f-list-b" {
				if err := f.Join("u-joiner", family.RoleMember, now); err != nil {
					t.Fatal(err)
				}
			}
			if err := fams.Create(ctx, f); err != nil {
				t.Fatal(err)
			}
		}
		ids := func(user string) []string {
			fs, err := fams.ListByMember(ctx, user)
			if err != nil {
				t.Fatal(err)
			}
			out := []string{}
			for _, f := range fs {
				out = append(out, f.ID())
			}
			return out
		}
		if got := ids("u-lister"); !slices.Equal(got, []string{"f-list-c", "f-list-a", "f-list-b"}) {
			t.Fatalf("u-lister: %v", got)
		}
		if got := ids("u-joiner"); !slices.Equal(got, []string{"f-list-c", "f-list-a"}) {
			t.Fatalf("u-joiner: %v", got)
		}
		if got := ids("u-stranger"); len(got) != 0 {
			t.Fatalf("u-stranger: %v", got)
		}
		if _, err := fams.Update(ctx, "f-list-a", func(f *family.Family) error { return f.Leave("u-joiner") }); err != nil {
			t.Fatal(err)
		}
		if got := ids("u-joiner"); !slices.Equal(got, []string{"f-list-c"}) {
			t.Fatalf("after leaving: %v", got)
		}
	})

	t.Run("a deleted family is gone", func(t *testing.T) {
		if err := fams.Delete(ctx, "f-list-c"); err != nil {
			t.Fatal(err)
		}
		if _, err := fams.Get(ctx, "f-list-c"); !fault.Is(err, family.ErrNotFound) {
			t.Fatalf("get: %v", err)
		}
		if fs, _ := fams.ListByMember(ctx, "u-joiner"); len(fs) != 0 {
			t.Fatalf("still listed: %v", fs)
		}
	})
}
