package mongo_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/test/testenv"
)

func TestInvites(t *testing.T) {
	store := testenv.Mongo(t)
	ctx := context.Background()
	invs := store.Invites()
	now := time.Now()

	invite := func(code, familyID string, phone identity.Phone, createdAt time.Time) family.Invite {
		inv := family.Invite{Digest: testInviteKey.Digest(code), FamilyID: familyID, Phone: phone,
			Role: family.RoleMember, CreatedBy: "u-owner", CreatedAt: createdAt.UTC(),
			ExpiresAt: createdAt.UTC().Add(family.InviteTTL)}
		if phone != "" {
			inv.Code = code
		}
		return inv
	}
	create := func(inv family.Invite) family.Invite {
		t.Helper()
		if err := invs.Create(ctx, inv); err != nil {
			t.Fatal(err)
		}
		return inv
	}
	digests := func(list []family.Invite) []string {
		out := []string{}
		for _, i := range list {
			out = append(out, i.Digest)
		}
		return out
	}
	normalized := func(i family.Invite) family.Invite {
		i.CreatedAt, i.ExpiresAt, i.UsedAt, i.RevokedAt = ms(i.CreatedAt), ms(i.ExpiresAt), ms(i.UsedAt), ms(i.RevokedAt)
		return i
	}

	t.Run("every field round-trips", func(t *testing.T) {
		full := invite("FULL01", "f-1", "+8613800000001", now)
		full.Role = family.RoleOwner
		full.UsedAt, full.UsedBy, full.RevokedAt = now.Add(time.Hour), "u-used", now.Add(2*time.Hour)
		create(full)
		got, err := invs.Get(ctx, full.Digest)
		if err != nil {
			t.Fatal(err)
		}
		if want := normalized(full); !reflect.DeepEqual(got, want) {
			t.Fatalf("read back\n%+v\nwant\n%+v", got, want)
		}

		bare := create(invite("BARE01", "f-1", "", now))
		got, err = invs.Get(ctx, bare.Digest)
		if err != nil {
			t.Fatal(err)
		}
		if want := normalized(bare); !reflect.DeepEqual(got, want) {
			t.Fatalf("read back\n%+v\nwant\n%+v", got, want)
		}
		if !got.Live(now) {
			t.Fatal("a fresh invite is not live")
		}
		if err := invs.Create(ctx, bare); err == nil {
			t.Fatal("two invites with one code")
		}
	})

	t.Run("unknown invites are not found", func(t *testing.T) {
		if _, err := invs.Get(ctx, testInviteKey.Digest("NOPE")); !fault.Is(err, family.ErrInviteNotFound) {
			t.Fatalf("get: %v", err)
		}
		if ok, err := invs.MarkUsed(ctx, testInviteKey.Digest("NOPE"), "u", now); ok || err != nil {
			t.Fatalf("mark used: %v %v", ok, err)
		}
		if ok, err := invs.Revoke(ctx, "f-1", testInviteKey.Digest("NOPE"), now); ok || err != nil {
			t.Fatalf("revoke: %v %v", ok, err)
		}
	})

	t.Run("an invite is used once however many accept at once", func(t *testing.T) {
		inv := create(invite("RACE01", "f-race", "", now))
		var won atomic.Int32
		winner := make(chan string, 20)
		var wg sync.WaitGroup
		for i := range 20 {
			wg.Go(func() {
				user := fmt.Sprintf("u-%d", i)
				ok, err := invs.MarkUsed(ctx, inv.Digest, user, now)
				if err != nil {
					t.Error(err)
				}
				if ok {
					won.Add(1)
					winner <- user
				}
			})
		}
		wg.Wait()
		if won.Load() != 1 {
			t.Fatalf("%d of 20 concurrent acceptances won", won.Load())
		}
		user := <-winner
		got, _ := invs.Get(ctx, inv.Digest)
		if got.UsedBy != user || !got.UsedAt.Equal(ms(now)) || got.Live(now) {
			t.Fatalf("used by %q at %v, winner %s", got.UsedBy, got.UsedAt, user)
		}
		if err := got.CheckAccept("", now); !fault.Is(err, family.ErrInviteUsed) {
			t.Fatalf("check accept: %v", err)
		}

		// Only the user who spent it can give it back.
		if err := invs.Unuse(ctx, inv.Digest, "someone-else"); err != nil {
			t.Fatal(err)
		}
		if got, _ := invs.Get(ctx, inv.Digest); got.UsedBy != user {
			t.Fatal("another user gave the invite back")
		}
		if err := invs.Unuse(ctx, inv.Digest, user); err != nil {
			t.Fatal(err)
		}
		got, _ = invs.Get(ctx, inv.Digest)
		if !got.Live(now) || got.UsedBy != "" || !got.UsedAt.IsZero() {
			t.Fatalf("not given back: %+v", got)
		}
		if ok, _ := invs.MarkUsed(ctx, inv.Digest, "u-again", now); !ok {
			t.Fatal("a given-back invite could not be used")
		}
		if ok, _ := invs.Revoke(ctx, "f-race", inv.Digest, now); ok {
			t.Fatal("a used invite was revoked")
		}
	})

	t.Run("a revoked invite cannot be used", func(t *testing.T) {
		inv := create(invite("REVOKE01", "f-rev", "", now))
		if ok, _ := invs.Revoke(ctx, "f-other", inv.Digest, now); ok {
			t.Fatal("another family revoked the invite")
		}
		if ok, err := invs.Revoke(ctx, "f-rev", inv.Digest, now); !ok || err != nil {
			t.Fatalf("revoke: %v %v", ok, err)
		}
		if ok, _ := invs.Revoke(ctx, "f-rev", inv.Digest, now); ok {
			t.Fatal("revoked twice")
		}
		if ok, _ := invs.MarkUsed(ctx, inv.Digest, "u", now); ok {
			t.Fatal("a revoked invite was used")
		}
		got, _ := invs.Get(ctx, inv.Digest)
		if err := got.CheckAccept("", now); !fault.Is(err, family.ErrInviteRevoked) {
			t.Fatalf("check accept: %v", err)
		}
	})

	t.Run("an expired invite is not live", func(t *testing.T) {
		inv := create(invite("OLD01", "f-live", "+8613800000009", now.Add(-family.InviteTTL-time.Minute)))
		if ok, _ := invs.MarkUsed(ctx, inv.Digest, "u", now); ok {
			t.Fatal("an expired invite was used")
		}
		if l, _ := invs.ListLive(ctx, "f-live", now); len(l) != 0 {
			t.Fatalf("listed: %v", digests(l))
		}
		if l, _ := invs.ListForPhone(ctx, "+8613800000009", now); len(l) != 0 {
			t.Fatalf("listed for phone: %v", digests(l))
		}
	})

	t.Run("live invites are listed newest first", func(t *testing.T) {
		phone := identity.Phone("+8613800000010")
		older := create(invite("LIVE01", "f-live", phone, now.Add(-2*time.Hour)))
		newer := create(invite("LIVE02", "f-live", "", now.Add(-time.Hour)))
		used := create(invite("LIVE03", "f-live", phone, now.Add(-time.Minute)))
		revoked := create(invite("LIVE04", "f-live", "", now.Add(-time.Minute)))
		elsewhere := create(invite("LIVE05", "f-elsewhere", phone, now.Add(-3*time.Hour)))
		if ok, _ := invs.MarkUsed(ctx, used.Digest, "u", now); !ok {
			t.Fatal("not used")
		}
		if ok, _ := invs.Revoke(ctx, "f-live", revoked.Digest, now); !ok {
			t.Fatal("not revoked")
		}
		l, err := invs.ListLive(ctx, "f-live", now)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := digests(l), []string{newer.Digest, older.Digest}; !slices.Equal(got, want) {
			t.Fatalf("live %v, want %v", got, want)
		}
		if !reflect.DeepEqual(l[1], normalized(older)) {
			t.Fatalf("listed %+v", l[1])
		}
		l, err = invs.ListForPhone(ctx, phone, now)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := digests(l), []string{older.Digest, elsewhere.Digest}; !slices.Equal(got, want) {
			t.Fatalf("for phone %v, want %v", got, want)
		}
		if l, _ := invs.ListForPhone(ctx, "", now); len(l) != 0 {
			t.Fatalf("listed for no phone: %v", digests(l))
		}

		if err := invs.DeleteForPhone(ctx, phone); err != nil {
			t.Fatal(err)
		}
		for _, d := range []string{older.Digest, used.Digest, elsewhere.Digest} {
			if _, err := invs.Get(ctx, d); !fault.Is(err, family.ErrInviteNotFound) {
				t.Fatalf("phone invite %s left: %v", d, err)
			}
		}
		if _, err := invs.Get(ctx, newer.Digest); err != nil {
			t.Fatalf("code invite deleted with a phone's: %v", err)
		}
		if err := invs.DeleteByFamily(ctx, "f-live"); err != nil {
			t.Fatal(err)
		}
		for _, d := range []string{newer.Digest, revoked.Digest} {
			if _, err := invs.Get(ctx, d); !fault.Is(err, family.ErrInviteNotFound) {
				t.Fatalf("family invite %s left: %v", d, err)
			}
		}
		if _, err := invs.Get(ctx, testInviteKey.Digest("REVOKE01")); err != nil {
			t.Fatalf("another family's invite deleted: %v", err)
		}
	})
}

var testInviteKey = family.InviteKey("mongo test invite key, 32 bytes")
