package mongo

import (
	"slices"
	"sync"

	"github.com/kincare/kincare/domain/device"
)

// deviceLists keeps each user's devices in memory for the embedded store,
// where listing them is a SQL query and a decoding of each document,
// paid by every push (before the SQL read path it decoded every device
// document: about 90 ms over a thousand devices). The embedded
// database belongs to this process alone, so a cache that every write
// goes through is exact. Against MongoDB it is nil: the userId index
// answers there, and replicas could not share it.
type deviceLists struct {
	// fill orders a miss's read and fill against writes and their
	// invalidation, so an old read is never cached over a newer write.
	fill   sync.Mutex
	mu     sync.RWMutex
	byUser map[string][]device.Device
}

func newDeviceLists() *deviceLists { return &deviceLists{byUser: map[string][]device.Device{}} }

func (c *deviceLists) get(userID string) ([]device.Device, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	ds, ok := c.byUser[userID]
	return slices.Clone(ds), ok
}

func (c *deviceLists) put(userID string, ds []device.Device) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.byUser[userID] = slices.Clone(ds)
}

func (c *deviceLists) forget(userIDs ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, id := range userIDs {
		delete(c.byUser, id)
	}
}

// write runs a write and then forgets the users it touched; touched may
// grow during the write (a token taken from its previous owner).
func (c *deviceLists) write(touched *[]string, fn func() error) error {
	if c == nil {
		return fn()
	}
	c.fill.Lock()
	defer c.fill.Unlock()
	err := fn()
	c.forget(*touched...) // even on error: the stored state is unknown
	return err
}
