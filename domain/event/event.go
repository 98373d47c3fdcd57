// Package event is what kincare announces: a state change that people
// must be told about. An aggregate records its events in the same
// document write as the change itself (its outbox), and a relay hands
// them on afterwards, so a change is never announced without happening
// nor happens without being announced. Pure domain code.
package event

import (
	"errors"
	"maps"
	"slices"
	"time"
)

// Type names what happened, "<area>.<what>", e.g. "family.member_joined".
// Types are part of the API (the push payload carries them).
type Type string

// Subject is what an event is about, and where the app's deep link leads.
type Subject struct {
	Kind string // "family", "invite", "device", "order", ...
	ID   string
}

// Event is one announcement. NotBefore, when set, delays it: a reminder
// recorded now for later.
type Event struct {
	ID        string
	Type      Type
	Subject   Subject
	At        time.Time
	NotBefore time.Time
	Data      map[string]string
}

var errInvalid = errors.New("event: id, type, subject and time are required")

// New makes an event that is due at once.
func New(id string, t Type, s Subject, at time.Time, data map[string]string) (Event, error) {
	if id == "" || t == "" || s.Kind == "" || s.ID == "" || at.IsZero() {
		return Event{}, errInvalid
	}
	return Event{ID: id, Type: t, Subject: s, At: at.UTC(), Data: maps.Clone(data)}, nil
}

// Reminder makes an event that is due at due, not before.
func Reminder(id string, t Type, s Subject, at, due time.Time, data map[string]string) (Event, error) {
	e, err := New(id, t, s, at, data)
	if err != nil {
		return Event{}, err
	}
	if due.After(at) {
		e.NotBefore = due.UTC()
	}
	return e, nil
}

// Due is when the event should be delivered.
func (e Event) Due() time.Time {
	if e.NotBefore.IsZero() {
		return e.At
	}
	return e.NotBefore
}

// Outbox is the events an aggregate recorded and nobody has handed on
// yet. Aggregates embed it; their repositories store it in the same
// document and the relay empties it.
type Outbox struct {
	pending []Event
}

// Record adds e to the events the next write of the aggregate carries.
func (o *Outbox) Record(e Event) { o.pending = append(o.pending, e) }

// Pending is every event not yet handed on, oldest first.
func (o *Outbox) Pending() []Event { return slices.Clone(o.pending) }

// RestoreOutbox rebuilds an outbox from storage.
func RestoreOutbox(pending []Event) Outbox { return Outbox{pending: slices.Clone(pending)} }
