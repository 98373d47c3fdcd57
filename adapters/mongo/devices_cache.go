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
	// gen moves each time a device write ends. A miss's read is cached
	// only if gen did not move while it ran (it may predate the write),
	// and a list cached while a write runs is forgotten at its end. (A
	// mutex held across the read and across every write did this
	// before, so a request registering a device could wait behind a
	// background write the write guard could not see: priority
	// inheritance follows document locks only.)
	gen    uint64
	byUser map[string][]device.Device
}

func newDeviceLists() *deviceLists { return &deviceLists{byUser: map[string][]device.Device{}} }

// get answers a cached list, or the generation a fill must quote.
func (c *deviceLists) get(userID string) (ds []device.Device, ok bool, gen uint64) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	ds, ok = c.byUser[userID]
	return slices.Clone(ds), ok, c.gen
}

// fill caches a list read since get answered gen, unless a device write
// ended meanwhile.
func (c *deviceLists) fill(userID string, ds []device.Device, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen == gen {
		c.byUser[userID] = slices.Clone(ds)
	}
}

// write runs a write and then forgets the users it touched; touched may
// grow during the write (a token taken from its previous owner). A list
// cached while it ran is forgotten with them.
func (c *deviceLists) write(touched *[]string, fn func() error) error {
	if c == nil {
		return fn()
	}
	err := fn()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	for _, id := range *touched { // even on error: the stored state is unknown
		delete(c.byUser, id)
	}
	return err
}
