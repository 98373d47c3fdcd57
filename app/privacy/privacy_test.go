package privacy_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/audittrail"
	"github.com/kincare/kincare/app/families"
	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/app/privacy"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/notification"
	"github.com/kincare/kincare/test/testenv"
)

func newID() string { return uuid.Must(uuid.NewV7()).String() }

// A deletion that stopped after its first step (the account marked
// deleted, nothing else done) is finished by the periodic job, and a
// family left empty by an interrupted dissolution is erased.
func TestInterruptedDeletionsAreFinished(t *testing.T) {
	store := testenv.Mongo(t)
	ctx := context.Background()
	trail := audittrail.NewRecorder(store.Audit(), time.Now, newID, slog.New(slog.NewTextHandler(io.Discard, nil)))
	fams := families.NewService(families.Deps{
		Families: store.Families(), Invites: store.Invites(), Users: store.Users(), Elders: store.Elders(),
		Children: store.Children(), Audit: trail, AuditDel: store.Audit(), Now: time.Now, NewID: newID,
		InviteKey: family.InviteKey("test invite key, 32 bytes long!!"),
	})
	priv := privacy.NewService(privacy.Deps{
		Users: store.Users(), Devices: store.Devices(), Inbox: store.Inbox(),
		Preferences: store.NotificationPreferences(), Sessions: store.Sessions(), Families: fams,
		FamilyStore: store.Families(), Elders: store.Elders(), Children: store.Children(), Reports: store.Reports(), Audit: store.Audit(),
		Trail: trail, Now: time.Now,
	})
	phone, _ := identity.ParsePhone(testenv.Phone())
	u, _ := identity.NewUser(newID(), phone, time.Now())
	if _, _, err := store.Users().FirstOrCreate(ctx, u); err != nil {
		t.Fatal(err)
	}
	me := actor.Actor{UserID: u.ID(), Roles: u.Roles()}
	solo, err := fams.Create(ctx, me, "我一个人的家", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := store.Inbox().Add(ctx, notification.Notification{ID: newID(), UserID: u.ID(), EventID: newID(),
		Type: "family.member_joined", Title: "新成员加入", Body: "138****0000 已加入家庭", CreatedAt: time.Now(),
		Push: notification.Push{State: notification.PushSent}}); err != nil {
		t.Fatal(err)
	}
	quiet := &notification.QuietHours{Start: 22 * 60, End: 7 * 60, Zone: "Asia/Shanghai"}
	if err := store.NotificationPreferences().Put(ctx, u.ID(), notification.Preferences{Quiet: quiet}); err != nil {
		t.Fatal(err)
	}
	// The crash: the account is marked deleted, and nothing else happened.
	if _, err := store.Users().Update(ctx, u.ID(), func(u *identity.User) error { u.BeginDeletion(time.Now()); return nil }); err != nil {
		t.Fatal(err)
	}
	// Another family whose dissolution stopped after its last member left.
	other, _ := family.New(newID(), "空家", "", "someone", time.Now())
	_ = other.Leave("someone")
	if err := store.Families().Create(ctx, other); err != nil {
		t.Fatal(err)
	}

	n, err := priv.FinishDeletions(ctx)
	if err != nil || n != 1 {
		t.Fatalf("finished %d, %v", n, err)
	}
	got, err := store.Users().ByID(ctx, u.ID())
	if err != nil || !got.Erased() || got.Phone() == phone {
		t.Fatalf("user after the job: %+v, %v", got.Snapshot(), err)
	}
	for _, id := range []string{solo.Family.ID(), other.ID()} {
		if _, err := store.Families().Get(ctx, id); !fault.Is(err, family.ErrNotFound) {
			t.Errorf("family %s after the job: %v", id, err)
		}
	}
	if items, _, _ := store.Inbox().List(ctx, u.ID(), false, page.Request{Limit: 10}); len(items) != 0 {
		t.Errorf("the deleted user's inbox kept %d entries", len(items))
	}
	if p, _ := store.NotificationPreferences().Get(ctx, u.ID()); p.Quiet != nil {
		t.Error("the deleted user's notification preferences were kept")
	}
	if n, _ := priv.FinishDeletions(ctx); n != 0 {
		t.Fatalf("a second run found %d more", n)
	}
}
