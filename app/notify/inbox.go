package notify

import (
	"context"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/notification"
)

// InboxPage is one page of a user's notifications, newest first.
type InboxPage struct {
	Items       []notification.Notification
	NextCursor  string
	UnreadCount int64
}

// List returns the caller's notifications; nobody sees another's.
func (s *Service) List(ctx context.Context, a actor.Actor, unreadOnly bool, cursor string, limit int) (InboxPage, error) {
	if a.UserID == "" {
		return InboxPage{}, fault.ErrUnauthenticated
	}
	p, err := page.Parse(cursor, limit)
	if err != nil {
		return InboxPage{}, err
	}
	items, more, err := s.d.Inbox.List(ctx, a.UserID, unreadOnly, p)
	if err != nil {
		return InboxPage{}, err
	}
	unread, err := s.d.Inbox.CountUnread(ctx, a.UserID)
	if err != nil {
		return InboxPage{}, err
	}
	out := InboxPage{Items: items, UnreadCount: unread}
	if len(items) > 0 {
		out.NextCursor = page.Cursor(items[len(items)-1].ID, more)
	}
	return out, nil
}

// MarkRead marks one of the caller's notifications read; marking it
// again changes nothing. Another user's id is not found.
func (s *Service) MarkRead(ctx context.Context, a actor.Actor, id string) error {
	if a.UserID == "" {
		return fault.ErrUnauthenticated
	}
	ok, err := s.d.Inbox.MarkRead(ctx, a.UserID, id, s.d.Now())
	if err != nil {
		return err
	}
	if !ok {
		return notification.ErrNotFound
	}
	return nil
}

// MarkAllRead marks every unread notification of the caller read and
// says how many there were.
func (s *Service) MarkAllRead(ctx context.Context, a actor.Actor) (int64, error) {
	if a.UserID == "" {
		return 0, fault.ErrUnauthenticated
	}
	return s.d.Inbox.MarkAllRead(ctx, a.UserID, s.d.Now())
}
