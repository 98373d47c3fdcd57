package fakefcm

import "time"

// Message is one message the fake accepted, decoded from the FCM HTTP v1
// request body {"message": {...}}. Field names follow the wire format so
// a test reads what FCM would have received.
type Message struct {
	Project      string            `json:"-"`
	Token        string            `json:"token"`
	Notification Notification      `json:"notification"`
	Data         map[string]string `json:"data"`
	Android      Android           `json:"android"`
	APNS         APNS              `json:"apns"`
	Webpush      Webpush           `json:"webpush"`
	// ReceivedAt is when the request reached the fake, for latency
	// measurements from enqueue to delivery.
	ReceivedAt time.Time `json:"-"`
}

type Notification struct {
	Title string `json:"title"`
	Body  string `json:"body"`
}

type Android struct {
	Priority string `json:"priority"`
	// TTL is FCM's duration string, e.g. "300s"; empty when not set.
	TTL          string              `json:"ttl"`
	CollapseKey  string              `json:"collapse_key"`
	Notification AndroidNotification `json:"notification"`
}

type AndroidNotification struct {
	ChannelID string `json:"channel_id"`
	Tag       string `json:"tag"`
}

type APNS struct {
	Headers map[string]string `json:"headers"`
	// Payload is the APNs JSON as sent: {"aps": {...}, custom keys...}.
	Payload map[string]any `json:"payload"`
}

// Aps is the payload's "aps" dictionary, nil when absent.
func (a APNS) Aps() map[string]any {
	aps, _ := a.Payload["aps"].(map[string]any)
	return aps
}

type Webpush struct {
	Headers map[string]string `json:"headers"`
}
