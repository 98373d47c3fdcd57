package mongo

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kincare/kincare/domain/notification"
)

const notificationPrefsColl = "notification_preferences"

type prefsDoc struct {
	UserID   string          `bson:"_id"`
	Switched map[string]bool `bson:"switched,omitempty"`
	Quiet    *quietDoc       `bson:"quiet,omitempty"`
}

type quietDoc struct {
	Start int    `bson:"start"`
	End   int    `bson:"end"`
	Zone  string `bson:"zone"`
}

// NotificationPreferences implements notify.Preferences, one document
// per user who changed anything.
type NotificationPreferences struct {
	coll *collection
}

func (s *Store) NotificationPreferences() *NotificationPreferences {
	return &NotificationPreferences{coll: s.collection(notificationPrefsColl)}
}

func (r *NotificationPreferences) Get(ctx context.Context, userID string) (notification.Preferences, error) {
	var d prefsDoc
	err := r.coll.FindOne(ctx, bson.D{{Key: "_id", Value: userID}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return notification.Preferences{}, nil
	}
	if err != nil {
		return notification.Preferences{}, fmt.Errorf("mongo: find notification preferences: %w", err)
	}
	p := notification.Preferences{Switched: make(map[notification.Category]bool, len(d.Switched))}
	for c, on := range d.Switched {
		p.Switched[notification.Category(c)] = on
	}
	if d.Quiet != nil {
		p.Quiet = &notification.QuietHours{Start: notification.Clock(d.Quiet.Start),
			End: notification.Clock(d.Quiet.End), Zone: d.Quiet.Zone}
	}
	return p, nil
}

func (r *NotificationPreferences) Put(ctx context.Context, userID string, p notification.Preferences) error {
	d := prefsDoc{UserID: userID, Switched: make(map[string]bool, len(p.Switched))}
	for c, on := range p.Switched {
		d.Switched[string(c)] = on
	}
	if p.Quiet != nil {
		d.Quiet = &quietDoc{Start: int(p.Quiet.Start), End: int(p.Quiet.End), Zone: p.Quiet.Zone}
	}
	_, err := r.coll.ReplaceOne(ctx, bson.D{{Key: "_id", Value: userID}}, d, options.Replace().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("mongo: put notification preferences: %w", err)
	}
	return nil
}

// Delete forgets a deleted account's choices.
func (r *NotificationPreferences) Delete(ctx context.Context, userID string) error {
	if _, err := r.coll.DeleteOne(ctx, bson.D{{Key: "_id", Value: userID}}); err != nil {
		return fmt.Errorf("mongo: delete notification preferences: %w", err)
	}
	return nil
}
