package family

import (
	"time"

	"github.com/kincare/kincare/domain/event"
)

// Events a family announces.
const (
	EventInviteReceived event.Type = "family.invite_received"
	EventInviteExpiring event.Type = "family.invite_expiring"
	EventMemberJoined   event.Type = "family.member_joined"
)

// InviteExpiringNotice is how long before its end an unaccepted invite
// reminds its addressee.
const InviteExpiringNotice = 24 * time.Hour

// AnnounceInvite records, on an invite addressed to a phone, the events
// that tell its addressee: at once, and again a day before it lapses.
// Code invites are passed on by hand and announce nothing.
func (i *Invite) AnnounceInvite(f *Family, newID func() string, now time.Time) error {
	if i.Phone == "" {
		return nil
	}
	subject := event.Subject{Kind: "invite", ID: i.Digest}
	data := map[string]string{"family": f.name, "familyId": f.id}
	received, err := event.New(newID(), EventInviteReceived, subject, now, data)
	if err != nil {
		return err
	}
	expiring, err := event.Reminder(newID(), EventInviteExpiring, subject, now,
		i.ExpiresAt.Add(-InviteExpiringNotice), data)
	if err != nil {
		return err
	}
	i.Events = append(i.Events, received, expiring)
	return nil
}

// AnnounceJoined records on f that userID joined it.
func (f *Family) AnnounceJoined(id, userID, maskedPhone string, now time.Time) error {
	e, err := event.New(id, EventMemberJoined, event.Subject{Kind: "family", ID: f.id}, now,
		map[string]string{"family": f.name, "memberId": userID, "member": maskedPhone})
	if err != nil {
		return err
	}
	f.Record(e)
	return nil
}
