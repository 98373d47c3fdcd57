package ledger

import "sync"

// tracker remembers, per account, through which seq this process has
// seen the journal written, so the account's next write records it
// (ledger.Account.MarkJournaled) at no cost: its entries then leave the
// account without being journaled again, and Reconcile skips it. Only
// what this process appended is known; other replicas' entries are
// marked by their own next write or by Reconcile. Bounded: when full it
// forgets everything, which costs only re-journaling.
type tracker struct {
	mu       sync.Mutex
	accounts map[string]*progress
}

type progress struct {
	through int64          // every seq up to this is journaled
	above   map[int64]bool // journaled seqs beyond a gap
}

const trackedAccounts = 10_000

func newTracker() *tracker { return &tracker{accounts: map[string]*progress{}} }

// appended records that entries with seqs were journaled.
func (t *tracker) appended(account string, seqs []int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	p := t.accounts[account]
	if p == nil {
		if len(t.accounts) >= trackedAccounts {
			clear(t.accounts)
		}
		p = &progress{above: map[int64]bool{}}
		t.accounts[account] = p
	}
	for _, s := range seqs {
		if s > p.through {
			p.above[s] = true
		}
	}
	p.advance()
}

// through is how far the journal is known complete, given that the
// account itself says stored.
func (t *tracker) through(account string, stored int64) int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	p := t.accounts[account]
	if p == nil {
		return stored
	}
	if stored > p.through {
		p.through = stored
		for s := range p.above {
			if s <= stored {
				delete(p.above, s)
			}
		}
	}
	p.advance()
	return p.through
}

func (p *progress) advance() {
	for p.above[p.through+1] {
		delete(p.above, p.through+1)
		p.through++
	}
}
