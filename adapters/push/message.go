package push

import (
	"maps"
	"strconv"
	"time"

	"firebase.google.com/go/v4/messaging"

	"github.com/kincare/kincare/app/notify"
)

// Android notification channels the apps create; the urgent one rings
// and shows as heads-up, the default one does not.
const (
	channelUrgent  = "urgent"
	channelDefault = "default"
)

// message fills every platform's section whatever p.Platform says: FCM
// applies only the one matching the token, and a token registered with
// the wrong platform still gets a complete push.
//
// A zero p.TTL leaves each service its default lifetime (four weeks on
// FCM and Web Push, 30 days on APNs) instead of meaning "now or never".
func message(p notify.Push, now time.Time) *messaging.Message {
	return &messaging.Message{
		Token:        p.Token,
		Notification: &messaging.Notification{Title: p.Title, Body: p.Body},
		// A copy: the caller keeps its map, and the SDK encodes ours later.
		Data:    maps.Clone(p.Data),
		Android: android(p),
		APNS:    apns(p, now),
		Webpush: webpush(p),
	}
}

func android(p notify.Push) *messaging.AndroidConfig {
	c := &messaging.AndroidConfig{
		Priority:    "normal",
		CollapseKey: p.CollapseKey,
		// Tag replaces a notification already shown with the same key, as
		// apns-collapse-id does on iOS; CollapseKey only merges pushes
		// FCM still holds.
		Notification: &messaging.AndroidNotification{ChannelID: channelDefault, Tag: shownAs(p)},
	}
	if p.Urgent {
		c.Priority = "high"
		c.Notification.ChannelID = channelUrgent
	}
	if p.TTL > 0 {
		ttl := p.TTL
		c.TTL = &ttl
	}
	return c
}

func apns(p notify.Push, now time.Time) *messaging.APNSConfig {
	h := map[string]string{"apns-push-type": "alert", "apns-priority": "5"}
	aps := &messaging.Aps{ThreadID: thread(p.Data)}
	if p.Urgent {
		// 10 delivers at once even in low-power mode; 5 lets iOS batch.
		h["apns-priority"] = "10"
		aps.Sound = "default"
	}
	if p.TTL > 0 {
		h["apns-expiration"] = strconv.FormatInt(now.Add(p.TTL).Unix(), 10)
	}
	if key := shownAs(p); key != "" {
		h["apns-collapse-id"] = key
	}
	return &messaging.APNSConfig{Headers: h, Payload: &messaging.APNSPayload{Aps: aps}}
}

// shownAs is the key a phone replaces a shown notification by: the
// collapse key when newer pushes supersede older ones, else the
// notification's own key, so a push sent twice shows once.
func shownAs(p notify.Push) string {
	if p.CollapseKey != "" {
		return p.CollapseKey
	}
	return p.ReplaceKey
}

// thread groups a subject's notifications (one order, one visit) in the
// iOS notification centre.
func thread(data map[string]string) string {
	if data["kind"] == "" || data["id"] == "" {
		return ""
	}
	return data["kind"] + ":" + data["id"]
}

func webpush(p notify.Push) *messaging.WebpushConfig {
	h := map[string]string{"Urgency": "normal"}
	if p.Urgent {
		h["Urgency"] = "high"
	}
	if p.TTL > 0 {
		h["TTL"] = strconv.FormatInt(int64(p.TTL/time.Second), 10)
	}
	return &messaging.WebpushConfig{Headers: h}
}
