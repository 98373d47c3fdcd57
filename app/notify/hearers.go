package notify

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
