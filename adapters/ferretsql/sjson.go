package ferretsql

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"sync"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"
)

// FerretDB 1.24 stores each document as "SJSON": the document's fields as
// JSON, and under the key "$s" a schema giving each field's BSON type
// ("$k" the keys in order, "p" each key's type; objects nest a schema,
// arrays list one per item). A JSON null is BSON null whatever the
// schema says. Read from internal/handler/sjson; decoding here turns a
// stored document into the same BSON bytes FerretDB would send, which
// TestDecodeMatchesFerretDB checks byte for byte.

type sjsonSchema struct {
	Properties map[string]*sjsonElem `json:"p"`
	Keys       []string              `json:"$k"`
}

type sjsonElem struct {
	Type    string       `json:"t"`
	Schema  *sjsonSchema `json:"$s,omitempty"`
	Options *string      `json:"o,omitempty"`
	Items   []*sjsonElem `json:"i,omitempty"`
	Subtype *uint8       `json:"s,omitempty"`
}

// decode turns one stored SJSON document into BSON. It walks the JSON
// once per level with the scanner below, not encoding/json: every read
// on the embedded store decodes, and encoding/json's maps, reflection
// and re-validation of each nested value made a provider with its staff
// (56 KB, most of it schema) cost 11 ms and an order 1.1 ms.
func decode(data []byte) (bson.Raw, error) { return (*schemaCache)(nil).decode(data) }

// schemaCache keeps parsed schemas by their text. Most of a document
// with arrays of objects is its schema (43 of a provider's 56 KB), and
// documents of one shape share it: a provider read again, orders at the
// same step. Parsed schemas are only read, so they are shared.
type schemaCache struct {
	mu    sync.Mutex
	byKey map[string]*sjsonSchema
	bytes int
}

// schemaCacheBytes bounds the text the cache keys hold; past it the
// cache starts again empty.
const schemaCacheBytes = 8 << 20

func (c *schemaCache) schema(text []byte) (*sjsonSchema, error) {
	if c == nil {
		return parseSchema(text)
	}
	c.mu.Lock()
	s, ok := c.byKey[string(text)]
	c.mu.Unlock()
	if ok {
		return s, nil
	}
	s, err := parseSchema(text)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byKey == nil || c.bytes+len(text) > schemaCacheBytes {
		c.byKey, c.bytes = map[string]*sjsonSchema{}, 0
	}
	c.byKey[string(text)] = s
	c.bytes += len(text)
	return s, nil
}

func (c *schemaCache) decode(data []byte) (bson.Raw, error) {
	it, err := newObjectIter(data)
	if err != nil {
		return nil, fmt.Errorf("sjson: %w", err)
	}
	var text []byte
	for {
		key, val, ok, err := it.next()
		if err != nil {
			return nil, fmt.Errorf("sjson: %w", err)
		}
		if !ok {
			break
		}
		if keyIs(key, "$s") {
			text = val
			break
		}
	}
	if text == nil {
		return nil, fmt.Errorf("sjson: no schema")
	}
	s, err := c.schema(text)
	if err != nil {
		return nil, fmt.Errorf("sjson: schema: %w", err)
	}
	if s == nil {
		return nil, fmt.Errorf("sjson: no schema")
	}
	// The BSON is about the document without its schema, and is built
	// in one buffer: every embedded document and array is written in
	// place, not built apart and copied in.
	doc, err := appendDocument(make([]byte, 0, len(data)-len(text)+64), data, s, true)
	if err != nil {
		return nil, err
	}
	return bson.Raw(doc), nil
}

// appendDocument appends the BSON of a JSON object with its schema; top
// is the stored document, whose "$s" member is the schema. FerretDB
// writes the members in the schema's order, which is read in one walk;
// anything else goes the way that looks each key up.
func appendDocument(dst, obj []byte, s *sjsonSchema, top bool) ([]byte, error) {
	start := len(dst)
	var keys []string
	if s != nil {
		keys = s.Keys
	}
	it, err := newObjectIter(obj)
	if err != nil {
		return nil, err
	}
	idx, dst := bsoncore.AppendDocumentStart(dst)
	i := 0
	for {
		key, val, ok, err := it.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		if top && keyIs(key, "$s") {
			continue
		}
		if i >= len(keys) || !keyIs(key, keys[i]) {
			return appendDocumentByKey(dst[:start], obj, s, top)
		}
		if dst, err = appendValue(dst, keys[i], val, s.Properties[keys[i]]); err != nil {
			return nil, fmt.Errorf("%s: %w", keys[i], err)
		}
		i++
	}
	if i != len(keys) {
		return appendDocumentByKey(dst[:start], obj, s, top)
	}
	return bsoncore.AppendDocumentEnd(dst, idx)
}

// appendDocumentByKey is appendDocument for members in another order
// than the schema's, or duplicated: each key is looked up.
func appendDocumentByKey(dst, obj []byte, s *sjsonSchema, top bool) ([]byte, error) {
	fields, err := members(obj)
	if err != nil {
		return nil, err
	}
	if top {
		for i, f := range fields {
			if f.key == "$s" {
				fields = append(fields[:i], fields[i+1:]...)
				break
			}
		}
	}
	idx, dst := bsoncore.AppendDocumentStart(dst)
	n := 0
	if s != nil {
		n = len(s.Keys)
	}
	if len(fields) != n {
		return nil, fmt.Errorf("sjson: %d fields, %d in the schema", len(fields), n)
	}
	for i := range n {
		key := s.Keys[i]
		v, ok := lookup(fields, i, key)
		if !ok {
			return nil, fmt.Errorf("sjson: field %q missing", key)
		}
		var err error
		if dst, err = appendValue(dst, key, v, s.Properties[key]); err != nil {
			return nil, fmt.Errorf("%s: %w", key, err)
		}
	}
	return bsoncore.AppendDocumentEnd(dst, idx)
}

// lookup finds a field's value, first where the schema's order puts it
// (FerretDB writes both in the document's order).
func lookup(fields []member, hint int, key string) ([]byte, bool) {
	if hint < len(fields) && fields[hint].key == key {
		return fields[hint].val, true
	}
	for i := len(fields) - 1; i >= 0; i-- { // the last of duplicates, as a map keeps
		if fields[i].key == key {
			return fields[i].val, true
		}
	}
	return nil, false
}

func appendValue(dst []byte, key string, v []byte, e *sjsonElem) ([]byte, error) {
	if bytes.Equal(v, []byte("null")) {
		return bsoncore.AppendNullElement(dst, key), nil
	}
	if e == nil {
		return nil, fmt.Errorf("sjson: no type")
	}
	switch e.Type {
	case "object":
		return appendDocument(bsoncore.AppendHeader(dst, bsoncore.TypeEmbeddedDocument, key), v, e.Schema, false)
	case "array":
		return appendArray(bsoncore.AppendHeader(dst, bsoncore.TypeArray, key), v, e.Items)
	case "string":
		if body, ok := plainBody(v); ok { // most strings: copied as they are
			dst = bsoncore.AppendHeader(dst, bsoncore.TypeString, key)
			dst = binary.LittleEndian.AppendUint32(dst, uint32(len(body)+1))
			return append(append(dst, body...), 0), nil
		}
		s, err := unquote(v)
		if err != nil {
			return nil, err
		}
		return bsoncore.AppendStringElement(dst, key, s), nil
	case "double":
		f, err := strconv.ParseFloat(string(v), 64)
		if err != nil {
			return nil, err
		}
		return bsoncore.AppendDoubleElement(dst, key, f), nil
	case "int":
		i, err := parseInt(v, 32)
		if err != nil {
			return nil, err
		}
		return bsoncore.AppendInt32Element(dst, key, int32(i)), nil
	case "long":
		i, err := parseInt(v, 64)
		if err != nil {
			return nil, err
		}
		return bsoncore.AppendInt64Element(dst, key, i), nil
	case "date":
		ms, err := parseInt(v, 64)
		if err != nil {
			return nil, err
		}
		return bsoncore.AppendDateTimeElement(dst, key, ms), nil
	case "bool":
		switch string(v) {
		case "true", "false":
			return bsoncore.AppendBooleanElement(dst, key, string(v) == "true"), nil
		}
		return nil, fmt.Errorf("sjson: bool %s", v)
	case "binData":
		s, err := unquote(v)
		if err != nil {
			return nil, err
		}
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return nil, err
		}
		if e.Subtype == nil {
			return nil, fmt.Errorf("sjson: binary without a subtype")
		}
		return bsoncore.AppendBinaryElement(dst, key, *e.Subtype, b), nil
	case "objectId":
		s, err := unquote(v)
		if err != nil {
			return nil, err
		}
		b, err := hex.DecodeString(s)
		if err != nil || len(b) != 12 {
			return nil, fmt.Errorf("sjson: object id %q", s)
		}
		var oid bson.ObjectID
		copy(oid[:], b)
		return bsoncore.AppendObjectIDElement(dst, key, oid), nil
	case "regex":
		pattern, err := unquote(v)
		if err != nil {
			return nil, err
		}
		opts := ""
		if e.Options != nil {
			opts = *e.Options
		}
		return bsoncore.AppendRegexElement(dst, key, pattern, opts), nil
	case "timestamp":
		ts, err := strconv.ParseUint(string(v), 10, 64)
		if err != nil {
			return nil, err
		}
		return bsoncore.AppendTimestampElement(dst, key, uint32(ts>>32), uint32(ts)), nil
	case "null":
		return nil, fmt.Errorf("sjson: null type with value %s", v)
	}
	return nil, fmt.Errorf("sjson: unknown type %q", e.Type)
}

// appendArray appends an array's elements, in place, to dst, which
// ends with the array's element header.
func appendArray(dst, arr []byte, items []*sjsonElem) ([]byte, error) {
	it, err := newArrayIter(arr)
	if err != nil {
		return nil, err
	}
	idx, dst := bsoncore.AppendArrayStart(dst)
	n := 0
	for {
		v, ok, err := it.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		if n < len(items) {
			if dst, err = appendValue(dst, strconv.Itoa(n), v, items[n]); err != nil {
				return nil, fmt.Errorf("[%d]: %w", n, err)
			}
		}
		n++
	}
	if n != len(items) {
		return nil, fmt.Errorf("sjson: %d items, %d in the schema", n, len(items))
	}
	return bsoncore.AppendArrayEnd(dst, idx)
}
