package mongo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/notification"
)

const notificationsColl = "notifications"

type notificationDoc struct {
	ID        string    `bson:"_id"`
	UserID    string    `bson:"userId"`
	EventID   string    `bson:"eventId"`
	Type      string    `bson:"type"`
	Category  string    `bson:"category"`
	Urgent    bool      `bson:"urgent,omitempty"`
	Title     string    `bson:"title"`
	Body      string    `bson:"body"`
	LinkKind  string    `bson:"linkKind"`
	LinkID    string    `bson:"linkId"`
	CreatedAt time.Time `bson:"createdAt"`
	ReadAt    time.Time `bson:"readAt,omitempty"`
	Push      pushDoc   `bson:"push"`
}

type pushDoc struct {
	State     string    `bson:"state"`
	Due       time.Time `bson:"due,omitempty"`
	SentTo    []string  `bson:"sentTo"`
	Reached   int       `bson:"reached"`
	Attempts  int       `bson:"attempts"`
	LastError string    `bson:"lastError,omitempty"`
}

func toNotificationDoc(n notification.Notification) notificationDoc {
	sent := n.Push.SentTo
	if sent == nil {
		sent = []string{}
	}
	return notificationDoc{ID: n.ID, UserID: n.UserID, EventID: n.EventID, Type: string(n.Type),
		Category: string(n.Category), Urgent: n.Urgent, Title: n.Title, Body: n.Body, LinkKind: n.Link.Kind,
		LinkID: n.Link.ID, CreatedAt: n.CreatedAt, ReadAt: n.ReadAt,
		Push: pushDoc{State: string(n.Push.State), Due: n.Push.Due, SentTo: sent, Reached: n.Push.Reached,
			Attempts:  n.Push.Attempts,
			LastError: n.Push.LastError}}
}

func (d notificationDoc) notification() notification.Notification {
	return notification.Notification{ID: d.ID, UserID: d.UserID, EventID: d.EventID, Type: event.Type(d.Type),
		Category: notification.Category(d.Category), Urgent: d.Urgent, Title: d.Title, Body: d.Body,
		Link: event.Subject{Kind: d.LinkKind, ID: d.LinkID}, CreatedAt: d.CreatedAt.UTC(), ReadAt: d.ReadAt.UTC(),
		Push: notification.Push{State: notification.PushState(d.Push.State), Due: d.Push.Due.UTC(),
			SentTo: d.Push.SentTo, Reached: d.Push.Reached, Attempts: d.Push.Attempts, LastError: d.Push.LastError}}
}

// Inbox implements notify.Inbox. A unique index on (eventId, userId)
// makes a second delivery of one event find the first entry instead of
// writing another.
type Inbox struct {
	coll  *collection
	guard *writeGuard
}

func (s *Store) Inbox() *Inbox {
	return &Inbox{coll: s.collection(notificationsColl), guard: s.guard}
}

var unread = bson.E{Key: "readAt", Value: bson.D{{Key: "$exists", Value: false}}}

func (r *Inbox) Add(ctx context.Context, n notification.Notification) (notification.Notification, bool, error) {
	_, err := r.coll.InsertOne(ctx, toNotificationDoc(n))
	if err == nil {
		return n, true, nil
	}
	if !mongo.IsDuplicateKeyError(err) {
		return notification.Notification{}, false, fmt.Errorf("mongo: insert notification: %w", err)
	}
	var d notificationDoc
	err = r.coll.FindOne(ctx, bson.D{{Key: "eventId", Value: n.EventID}, {Key: "userId", Value: n.UserID}}).Decode(&d)
	if err != nil {
		return notification.Notification{}, false, fmt.Errorf("mongo: find delivered notification: %w", err)
	}
	return d.notification(), false, nil
}

func (r *Inbox) Get(ctx context.Context, id string) (notification.Notification, error) {
	var d notificationDoc
	err := r.coll.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return notification.Notification{}, notification.ErrNotFound
	}
	if err != nil {
		return notification.Notification{}, fmt.Errorf("mongo: find notification: %w", err)
	}
	return d.notification(), nil
}

func (r *Inbox) RecordAttempt(ctx context.Context, id string, reached []string, lastError string) error {
	return r.updatePush(ctx, id, withReached(bson.D{
		{Key: "$inc", Value: bson.D{{Key: "push.attempts", Value: 1}}},
		{Key: "$set", Value: bson.D{{Key: "push.lastError", Value: lastError}}},
	}, reached))
}

func (r *Inbox) FinishPush(ctx context.Context, id string, state notification.PushState, reached []string, lastError string) error {
	set := bson.D{{Key: "push.state", Value: string(state)}}
	if lastError != "" {
		set = append(set, bson.E{Key: "push.lastError", Value: lastError})
	}
	return r.updatePush(ctx, id, withReached(bson.D{{Key: "$set", Value: set}}, reached))
}

// withReached adds the devices a try reached to push.sentTo and counts
// them in push.reached.
func withReached(update bson.D, reached []string) bson.D {
	if len(reached) == 0 {
		return update
	}
	for i, e := range update {
		if e.Key == "$inc" {
			update[i].Value = append(e.Value.(bson.D), bson.E{Key: "push.reached", Value: len(reached)})
			return append(update, addToSentTo(reached))
		}
	}
	return append(update, bson.E{Key: "$inc", Value: bson.D{{Key: "push.reached", Value: len(reached)}}},
		addToSentTo(reached))
}

func addToSentTo(reached []string) bson.E {
	return bson.E{Key: "$addToSet", Value: bson.D{{Key: "push.sentTo", Value: bson.D{{Key: "$each", Value: reached}}}}}
}

func (r *Inbox) updatePush(ctx context.Context, id string, update bson.D) error {
	ctx, unlock := r.guard.lock(ctx, notificationsColl, id)
	defer unlock()
	if _, err := r.coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, update); err != nil {
		return fmt.Errorf("mongo: update push of notification: %w", err)
	}
	return nil
}

func (r *Inbox) UnfinishedPushes(ctx context.Context, after string, limit int) ([]notification.Notification, error) {
	filter := bson.D{{Key: "push.state", Value: bson.D{{Key: "$in", Value: bson.A{
		string(notification.PushPending), string(notification.PushDeferred)}}}}}
	if after != "" {
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$gt", Value: after}}})
	}
	docs, err := r.find(ctx, filter, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, err
	}
	return docs, nil
}

// List is newest first: ids are UUIDv7, so id order is delivery order.
func (r *Inbox) List(ctx context.Context, userID string, unreadOnly bool, p page.Request) ([]notification.Notification, bool, error) {
	filter := bson.D{{Key: "userId", Value: userID}}
	if unreadOnly {
		filter = append(filter, unread)
	}
	if p.After != "" {
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$lt", Value: p.After}}})
	}
	out, err := r.find(ctx, filter, options.Find().SetSort(bson.D{{Key: "_id", Value: -1}}).SetLimit(int64(p.Limit+1)))
	if err != nil {
		return nil, false, err
	}
	if len(out) > p.Limit {
		return out[:p.Limit], true, nil
	}
	return out, false, nil
}

func (r *Inbox) find(ctx context.Context, filter bson.D, opts *options.FindOptionsBuilder) ([]notification.Notification, error) {
	return findAll(ctx, r.coll, "notifications", filter, opts, notificationDoc.notification)
}

func (r *Inbox) CountUnread(ctx context.Context, userID string) (int64, error) {
	n, err := r.coll.CountDocuments(ctx, bson.D{{Key: "userId", Value: userID}, unread})
	if err != nil {
		return 0, fmt.Errorf("mongo: count unread notifications: %w", err)
	}
	return n, nil
}

// MarkRead keeps the first read time when marked again. It takes the
// write guard like the push updates: FerretDB rewrites the whole
// document, so an unguarded read mark could undo a push's progress.
func (r *Inbox) MarkRead(ctx context.Context, userID, id string, at time.Time) (bool, error) {
	ctx, unlock := r.guard.lock(ctx, notificationsColl, id)
	defer unlock()
	mine := bson.D{{Key: "_id", Value: id}, {Key: "userId", Value: userID}}
	res, err := r.coll.UpdateOne(ctx, append(mine, unread),
		bson.D{{Key: "$set", Value: bson.D{{Key: "readAt", Value: at}}}})
	if err != nil {
		return false, fmt.Errorf("mongo: mark notification read: %w", err)
	}
	if res.MatchedCount == 1 {
		return true, nil
	}
	n, err := r.coll.CountDocuments(ctx, mine)
	if err != nil {
		return false, fmt.Errorf("mongo: find notification: %w", err)
	}
	return n == 1, nil
}

// MarkAllRead is one update on MongoDB. Under the embedded store's guard
// it marks entry by entry, each under its own lock, for the reason
// MarkRead gives.
func (r *Inbox) MarkAllRead(ctx context.Context, userID string, at time.Time) (int64, error) {
	filter := bson.D{{Key: "userId", Value: userID}, unread}
	if !r.guard.on {
		res, err := r.coll.UpdateMany(ctx, filter, bson.D{{Key: "$set", Value: bson.D{{Key: "readAt", Value: at}}}})
		if err != nil {
			return 0, fmt.Errorf("mongo: mark notifications read: %w", err)
		}
		return res.ModifiedCount, nil
	}
	ids, err := findAll(ctx, r.coll, "unread notifications", filter,
		options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}), func(d idDoc) string { return d.ID })
	if err != nil {
		return 0, err
	}
	var marked int64
	for _, id := range ids {
		ok, err := r.markUnread(ctx, id, at)
		if err != nil {
			return marked, err
		}
		if ok {
			marked++
		}
	}
	return marked, nil
}

type idDoc struct {
	ID string `bson:"_id"`
}

func (r *Inbox) markUnread(ctx context.Context, id string, at time.Time) (bool, error) {
	ctx, unlock := r.guard.lock(ctx, notificationsColl, id)
	defer unlock()
	res, err := r.coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}, unread},
		bson.D{{Key: "$set", Value: bson.D{{Key: "readAt", Value: at}}}})
	if err != nil {
		return false, fmt.Errorf("mongo: mark notification read: %w", err)
	}
	return res.ModifiedCount == 1, nil
}

// DeleteByUser forgets a deleted account's inbox.
func (r *Inbox) DeleteByUser(ctx context.Context, userID string) error {
	if _, err := r.coll.DeleteMany(ctx, bson.D{{Key: "userId", Value: userID}}); err != nil {
		return fmt.Errorf("mongo: delete notifications: %w", err)
	}
	return nil
}
