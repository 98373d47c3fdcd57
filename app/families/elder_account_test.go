package families_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/audittrail"
	"github.com/kincare/kincare/app/families"
	"github.com/kincare/kincare/domain/consent"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/test/testenv"
)

// An owner invites the elder's phone; the elder's account accepts with
// consent and is linked on both sides; a second account, or an account
// that belongs to a family, cannot be linked; removing the elder unlinks
// and withdraws the consent.
func TestAnElderAccountIsLinkedOnceAndUnlinkedWithTheElder(t *testing.T) {
	ctx := context.Background()
	store := testenv.Mongo(t)
	trail := audittrail.NewRecorder(store.Audit(), time.Now, newID, slog.New(slog.NewTextHandler(io.Discard, nil)))
	svc := families.NewService(families.Deps{
		Families: store.Families(), Invites: store.Invites(), Users: store.Users(), Elders: store.Elders(),
		Children: store.Children(), Audit: trail, AuditDel: store.Audit(), Now: time.Now, NewID: newID,
		InviteKey: family.InviteKey("test invite key, 32 bytes long!!"),
	})
	user := func() (actor.Actor, identity.Phone) {
		t.Helper()
		phone, _ := identity.ParsePhone(testenv.Phone())
		u, _ := identity.NewUser(newID(), phone, time.Now())
		stored, _, err := store.Users().FirstOrCreate(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		return actor.Actor{UserID: stored.ID(), Roles: stored.Roles()}, phone
	}
	owner, ownerPhone := user()
	fv, err := svc.Create(ctx, owner, "王家", "")
	if err != nil {
		t.Fatal(err)
	}
	newElder := func() string {
		t.Helper()
		id := newID()
		if err := store.Elders().Create(ctx, elder.Elder{ID: id, FamilyID: fv.Family.ID(),
			Profile: elder.Profile{Name: "王秀兰"}, CreatedBy: owner.UserID, CreatedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
		return id
	}
	mother := newElder()
	grandma, grandmaPhone := user()

	first, err := svc.InviteElderAccount(ctx, owner, mother, grandmaPhone.String())
	if err != nil || !first.Issued || !first.Invite.ForElder() || first.Invite.ElderID != mother {
		t.Fatalf("invite: %+v, %v", first, err)
	}
	again, err := svc.InviteElderAccount(ctx, owner, mother, grandmaPhone.String())
	if err != nil || again.Issued || again.Invite.Digest != first.Invite.Digest {
		t.Fatalf("the same invite again: %+v, %v", again, err)
	}
	if _, err := svc.Accept(ctx, grandma, first.Invite.Code); !fault.Is(err, family.ErrInviteNotFound) {
		t.Fatalf("joining the family with an elder invite: %v", err)
	}
	link, err := svc.AcceptElderInvite(ctx, grandma, first.Invite.Code, consent.PolicyVersion)
	if err != nil || link.Account.UserID != grandma.UserID || link.Consent.Scope != consent.ElderAccount ||
		link.Consent.GrantedBy != grandma.UserID {
		t.Fatalf("accept: %+v, %v", link, err)
	}
	u, _ := store.Users().ByID(ctx, grandma.UserID)
	e, _ := store.Elders().Get(ctx, mother)
	if u.ElderID() != mother || !u.Roles().Has(identity.RoleElder) || u.Roles().Has(identity.RoleFamily) || !e.OwnAccount(grandma.UserID) {
		t.Fatalf("after accepting: account %s %v, elder %+v", u.ElderID(), u.Roles(), e.Account)
	}
	// Accepting again (a retry) finds everything done.
	if again, err := svc.AcceptElderInvite(ctx, grandma, first.Invite.Code, consent.PolicyVersion); err != nil ||
		again.Consent.ID != link.Consent.ID {
		t.Fatalf("accepting again: %+v, %v", again, err)
	}
	// One account per elder.
	_, otherPhone := user()
	if _, err := svc.InviteElderAccount(ctx, owner, mother, otherPhone.String()); !fault.Is(err, elder.ErrAccountLinked) {
		t.Fatalf("a second account for the elder: %v", err)
	}
	// An account in a family (the owner's own) cannot be an elder's.
	father := newElder()
	inv, err := svc.InviteElderAccount(ctx, owner, father, ownerPhone.String())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AcceptElderInvite(ctx, owner, inv.Invite.Code, consent.PolicyVersion); !fault.Is(err, identity.ErrElderAccountUnavailable) {
		t.Fatalf("the owner as an elder's account: %v", err)
	}
	// Nor may the elder's account start a family of its own.
	grandma.Roles, grandma.ElderID = u.Roles(), u.ElderID()
	if _, err := svc.Create(ctx, grandma, "孙家", ""); !fault.Is(err, fault.ErrForbidden) {
		t.Fatalf("an elder's account starting a family: %v", err)
	}

	// Removing the elder unlinks.
	if err := svc.ElderRemoved(ctx, owner, mother); err != nil {
		t.Fatal(err)
	}
	u, _ = store.Users().ByID(ctx, grandma.UserID)
	e, _ = store.Elders().Get(ctx, mother)
	if u.ElderID() != "" || !u.Roles().Has(identity.RoleFamily) || u.Roles().Has(identity.RoleElder) || e.Account != nil {
		t.Fatalf("after the removal: account %s %v, elder %+v", u.ElderID(), u.Roles(), e.Account)
	}
	f, _ := store.Families().Get(ctx, fv.Family.ID())
	if _, ok := f.ConsentFor(consent.ElderAccount, mother); ok {
		t.Fatal("the elder's consent is still in force")
	}
}
