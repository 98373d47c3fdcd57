// Package providercache keeps provider documents in memory for the
// embedded store. Each read there is a query and a decoding of a large
// document (the provider with its menu and staff), and nearby search
// loads every candidate: before the embedded store had indexes it took
// seconds over tens of thousands of providers. The
// embedded database belongs to exactly one process, so a write-through
// cache in that process is exact: every write goes through it. Against a
// real MongoDB, shared by replicas, it must not be used: there a lookup
// by _id is an indexed read anyway.
package providercache

import (
	"context"
	"sync"

	"github.com/kincare/kincare/app/providers"
	"github.com/kincare/kincare/domain/provider"
)

// Providers serves Get and GetMany from memory and writes through; every
// other method goes straight to the store.
type Providers struct {
	providers.Store
	next providers.Store
	// fill orders every store access that fills the cache (writes and
	// reads after a miss), so an older read can never be cached over a
	// newer write. It is held across the store call: the embedded store
	// serialises writes anyway.
	fill sync.Mutex
	mu   sync.RWMutex
	byID map[string]*provider.Provider
}

func New(next providers.Store) *Providers {
	return &Providers{Store: next, next: next, byID: map[string]*provider.Provider{}}
}

func (c *Providers) Create(ctx context.Context, p *provider.Provider) error {
	c.fill.Lock()
	defer c.fill.Unlock()
	if err := c.next.Create(ctx, p); err != nil {
		return err
	}
	c.put(p)
	return nil
}

func (c *Providers) Update(ctx context.Context, id string, fn func(*provider.Provider) error) (*provider.Provider, error) {
	c.fill.Lock()
	defer c.fill.Unlock()
	p, err := c.next.Update(ctx, id, fn)
	if err != nil {
		c.forget(id) // the stored state is unknown now
		return nil, err
	}
	c.put(p)
	return p, nil
}

// GetMany answers from memory what it has and reads the rest once.
// Callers share the cached values and must only read them.
func (c *Providers) GetMany(ctx context.Context, ids []string) ([]*provider.Provider, error) {
	out := make([]*provider.Provider, 0, len(ids))
	var missing []string
	c.mu.RLock()
	for _, id := range ids {
		if p, ok := c.byID[id]; ok {
			out = append(out, p)
		} else {
			missing = append(missing, id)
		}
	}
	c.mu.RUnlock()
	if len(missing) == 0 {
		return out, nil
	}
	c.fill.Lock()
	defer c.fill.Unlock()
	loaded, err := c.next.GetMany(ctx, missing)
	if err != nil {
		return nil, err
	}
	for _, p := range loaded {
		c.put(p)
	}
	return append(out, loaded...), nil
}

// Get answers one provider from memory. Order access reads the order's
// provider on every caregiver and office request, since membership is
// current only there; over FerretDB each such read would decode the
// provider's document. The caller gets its own copy of the top-level
// value.
func (c *Providers) Get(ctx context.Context, id string) (*provider.Provider, error) {
	ps, err := c.GetMany(ctx, []string{id})
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, provider.ErrNotFound
	}
	cp := *ps[0]
	return &cp, nil
}

func (c *Providers) put(p *provider.Provider) {
	cp := *p
	c.mu.Lock()
	c.byID[p.ID] = &cp
	c.mu.Unlock()
}

func (c *Providers) forget(id string) {
	c.mu.Lock()
	delete(c.byID, id)
	c.mu.Unlock()
}
