package mongo

import (
	"maps"
	"slices"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// sortedMap is a map stored as an embedded document with its keys in
// sorted order; the driver writes a map in Go's random iteration order.
// The order is no concern of MongoDB's, but FerretDB stores each
// document with a schema that lists its keys in order, and the embedded
// store's reader parses a schema once for all documents of one shape
// (ferretsql's schema cache): with an order's statuses in random order,
// 16,665 of the demo's 19,388 orders had a schema of their own, which
// every first read of them parsed (and the hourly ratings recount, all
// 9,517 rated ones); sorted, they would have 25 (counted on that
// store with SQL). Read back, it is the map it was.
type sortedMap[V any] map[string]V

// MarshalBSONValue writes the map as the driver would, keys sorted.
func (m sortedMap[V]) MarshalBSONValue() (byte, []byte, error) {
	if m == nil {
		return byte(bson.TypeNull), nil, nil
	}
	d := make(bson.D, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		d = append(d, bson.E{Key: k, Value: m[k]})
	}
	data, err := bson.Marshal(d)
	return byte(bson.TypeEmbeddedDocument), data, err
}
