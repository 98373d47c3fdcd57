package notify

import "github.com/kincare/kincare/domain/event"

// Hearers collects the users an event reaches, each once, in the order
// first added.
type Hearers struct {
	seen map[string]bool
	list []Recipient
}

// Add adds users; empty ids and repeats are skipped.
func (h *Hearers) Add(userIDs ...string) {
	for _, id := range userIDs {
		if id == "" || h.seen[id] {
			continue
		}
		if h.seen == nil {
			h.seen = map[string]bool{}
		}
		h.seen[id] = true
		h.list = append(h.list, Recipient{UserID: id})
	}
}

// Recipients is everyone added.
func (h *Hearers) Recipients() []Recipient { return h.list }

// OneAudience gives every event type keyed in types the same audience:
// a capability that decides its hearers per type in one function.
func OneAudience[V any](types map[event.Type]V, f AudienceFunc) map[event.Type]Audience {
	out := make(map[event.Type]Audience, len(types))
	for t := range types {
		out[t] = f
	}
	return out
}
