// Package push delivers notify.Push messages to phones and browsers: FCM
// sends through Firebase Cloud Messaging (which relays to APNs and Web
// Push), LogSender only logs, for running without credentials. It
// implements app/notify's Pusher port and must not import other app or
// adapter packages.
package push

import (
	"context"
	"fmt"
	"time"

	firebase "firebase.google.com/go/v4"
	"firebase.google.com/go/v4/messaging"
	"google.golang.org/api/option"

	"github.com/kincare/kincare/app/notify"
)

type FCMConfig struct {
	ProjectID string
	// CredentialsFile is a service account JSON file; empty for
	// application default credentials (GOOGLE_APPLICATION_CREDENTIALS,
	// the metadata server on GCP).
	CredentialsFile string
	// Endpoint replaces https://fcm.googleapis.com/v1 and turns
	// authentication off: for fakes and emulators only. The SDK posts to
	// Endpoint + "/projects/{ProjectID}/messages:send".
	Endpoint string
}

// FCM sends through the Firebase Admin SDK's HTTP v1 client.
type FCM struct {
	client *messaging.Client
}

func NewFCM(ctx context.Context, cfg FCMConfig) (*FCM, error) {
	var opts []option.ClientOption
	switch {
	case cfg.Endpoint != "":
		opts = append(opts, option.WithEndpoint(cfg.Endpoint), option.WithoutAuthentication())
	case cfg.CredentialsFile != "":
		opts = append(opts, option.WithCredentialsFile(cfg.CredentialsFile))
	}
	app, err := firebase.NewApp(ctx, &firebase.Config{ProjectID: cfg.ProjectID}, opts...)
	if err != nil {
		return nil, fmt.Errorf("push: firebase app: %w", err)
	}
	client, err := app.Messaging(ctx)
	if err != nil {
		return nil, fmt.Errorf("push: fcm client: %w", err)
	}
	return &FCM{client: client}, nil
}

// Send delivers p and says what to do when it could not. The SDK has
// already retried network failures and 503 UNAVAILABLE up to 4 times
// (after 0s, 1s, 2s, 4s, or the longer Retry-After, giving up at once
// when Retry-After exceeds 2 minutes); a *notify.RetryableError is what
// remains after it gave up.
func (f *FCM) Send(ctx context.Context, p notify.Push) error {
	now := time.Now()
	if _, err := f.client.Send(ctx, message(p, now)); err != nil {
		return classify(ctx, err, time.Now())
	}
	return nil
}
