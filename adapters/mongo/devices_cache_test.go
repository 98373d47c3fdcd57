package mongo

import (
	"testing"

	"github.com/kincare/kincare/domain/device"
)

// A list read before a device write ended is never left in the cache:
// either the write's end forgets it, or the fill sees the generation
// moved and drops it.
func TestDeviceListsNeverKeepAListOlderThanAWrite(t *testing.T) {
	old := []device.Device{{Token: "fcm:old", UserID: "u"}}
	touched := []string{"u"}

	t.Run("read before the write, filled after it", func(t *testing.T) {
		c := newDeviceLists()
		_, ok, gen := c.get("u")
		if ok {
			t.Fatal("an empty cache answered")
		}
		if err := c.write(&touched, func() error { return nil }); err != nil {
			t.Fatal(err)
		}
		c.fill("u", old, gen)
		if ds, ok, _ := c.get("u"); ok {
			t.Fatalf("the list read before the write is cached: %v", ds)
		}
	})

	t.Run("read before the write, filled during it", func(t *testing.T) {
		c := newDeviceLists()
		_, _, gen := c.get("u")
		if err := c.write(&touched, func() error {
			c.fill("u", old, gen)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if ds, ok, _ := c.get("u"); ok {
			t.Fatalf("the list read before the write outlived it: %v", ds)
		}
	})

	t.Run("read during the write, filled after it", func(t *testing.T) {
		c := newDeviceLists()
		var gen uint64
		if err := c.write(&touched, func() error {
			_, _, gen = c.get("u")
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		c.fill("u", old, gen)
		if ds, ok, _ := c.get("u"); ok {
			t.Fatalf("the list read during the write is cached: %v", ds)
		}
	})

	t.Run("read across another user's write, cached", func(t *testing.T) {
		c := newDeviceLists()
		_, _, gen := c.get("u")
		if err := c.write(&[]string{"v"}, func() error { return nil }); err != nil {
			t.Fatal(err)
		}
		c.fill("u", old, gen)
		if ds, ok, _ := c.get("u"); !ok || len(ds) != 1 {
			t.Fatalf("another user's write spoilt the fill: %v, %v", ds, ok)
		}
	})

	t.Run("read after every write, cached", func(t *testing.T) {
		c := newDeviceLists()
		if err := c.write(&touched, func() error { return nil }); err != nil {
			t.Fatal(err)
		}
		_, _, gen := c.get("u")
		c.fill("u", old, gen)
		if ds, ok, _ := c.get("u"); !ok || len(ds) != 1 {
			t.Fatalf("a fresh list was not cached: %v, %v", ds, ok)
		}
	})
}
