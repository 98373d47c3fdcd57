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
	mu sync.RWMutex
	// gen counts the device writes that have ended. A miss's read is
	// cached only if no write touching its user ended while it ran (it
	// may predate that write), and a list cached while a write runs is
	// forgotten at its end. No lock is held across a read or a write:
	// a request would wait behind a background write that the write
	// guard's priority inheritance cannot see.
	gen    uint64
	byUser map[string]deviceEntry
}

// deviceEntry is a user's cached list, if any, and when a write touching
// the user last ended. It stays when the list is forgotten, so a read
// that began before that write is still told apart.
type deviceEntry struct {
	devices []device.Device
	cached  bool
	written uint64
}

func newDeviceLists() *deviceLists { return &deviceLists{byUser: map[string]deviceEntry{}} }

// get answers a cached list, or the generation a fill must quote.
func (c *deviceLists) get(userID string) (ds []device.Device, ok bool, gen uint64) {
	if c == nil {
		return nil, false, 0
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	e := c.byUser[userID]
	return slices.Clone(e.devices), e.cached, c.gen
}

// fill caches a list read since get answered gen, unless a write
// touching the user ended meanwhile.
func (c *deviceLists) fill(userID string, ds []device.Device, gen uint64) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.byUser[userID]; e.written <= gen {
		c.byUser[userID] = deviceEntry{devices: slices.Clone(ds), cached: true, written: e.written}
	}
}

// write runs a write and then forgets the users it touched; touched may
// grow during the write (a token taken from its previous owner).
func (c *deviceLists) write(touched *[]string, fn func() error) error {
	if c == nil {
		return fn()
	}
	err := fn()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	for _, id := range *touched { // even on error: the stored state is unknown
		c.byUser[id] = deviceEntry{written: c.gen}
	}
	return err
}
