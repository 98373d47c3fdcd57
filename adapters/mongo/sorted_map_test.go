package mongo

import (
	"bytes"
	"maps"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// A sorted map is stored with its keys in order, every time, as the map
// the driver would store, and reads back as the map it was.
// calendar-safe: the times are data stored and read back, never
// compared with a clock.
func TestASortedMapStoresItsKeysInOrder(t *testing.T) {
	at := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	entered := map[string]time.Time{"created": at, "dispatching": at.Add(time.Minute),
		"accepted": at.Add(2 * time.Minute), "en_route": at.Add(3 * time.Minute), "arrived": at.Add(4 * time.Minute)}
	type doc struct {
		Entered sortedMap[time.Time] `bson:"entered"`
		Data    sortedMap[string]    `bson:"data,omitempty"`
		None    sortedMap[string]    `bson:"none"`
	}
	first, err := bson.Marshal(doc{Entered: entered, Data: map[string]string{"b": "2", "a": "1"}})
	if err != nil {
		t.Fatal(err)
	}
	for range 20 { // Go's map order differs from one range to the next
		again, err := bson.Marshal(doc{Entered: entered, Data: map[string]string{"b": "2", "a": "1"}})
		if err != nil || !bytes.Equal(again, first) {
			t.Fatalf("stored differently: %v, %v", bson.Raw(again), err)
		}
	}
	keys, err := bson.Raw(first).Lookup("entered").Document().Elements()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"accepted", "arrived", "created", "dispatching", "en_route"}
	for i, e := range keys {
		if e.Key() != want[i] {
			t.Fatalf("key %d is %s, want the order %v", i, e.Key(), want)
		}
	}
	// The same values as the driver's own map encoding, only in order.
	plain, err := bson.Marshal(bson.D{{Key: "entered", Value: entered}})
	if err != nil {
		t.Fatal(err)
	}
	var asPlain, asSorted struct {
		Entered bson.M `bson:"entered"`
	}
	if err := bson.Unmarshal(plain, &asPlain); err != nil {
		t.Fatal(err)
	}
	if err := bson.Unmarshal(first, &asSorted); err != nil {
		t.Fatal(err)
	}
	if !maps.EqualFunc(asPlain.Entered, asSorted.Entered, func(a, b any) bool { return a == b }) {
		t.Errorf("values %v, want the driver's %v", asSorted.Entered, asPlain.Entered)
	}
	if v := bson.Raw(first).Lookup("none"); v.Type != bson.TypeNull {
		t.Errorf("a nil map is stored as %v, want null as the driver stores it", v.Type)
	}
	var back doc
	if err := bson.Unmarshal(first, &back); err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(back.Entered, entered) || back.Data["a"] != "1" || back.None != nil {
		t.Errorf("read back %+v", back)
	}
}
