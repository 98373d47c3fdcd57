package ferretsql

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"

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

// decode turns one stored SJSON document into BSON.
func decode(data []byte) (bson.Raw, error) {
	var fields map[string]json.RawMessage
	if err := unmarshalNumbers(data, &fields); err != nil {
		return nil, fmt.Errorf("sjson: %w", err)
	}
	raw, ok := fields["$s"]
	if !ok {
		return nil, fmt.Errorf("sjson: no schema")
	}
	var s sjsonSchema
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, fmt.Errorf("sjson: schema: %w", err)
	}
	delete(fields, "$s")
	doc, err := appendDocument(nil, fields, &s)
	if err != nil {
		return nil, err
	}
	return bson.Raw(doc), nil
}

func unmarshalNumbers(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return dec.Decode(v)
}

func appendDocument(dst []byte, fields map[string]json.RawMessage, s *sjsonSchema) ([]byte, error) {
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
		v, ok := fields[key]
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

func appendValue(dst []byte, key string, v json.RawMessage, e *sjsonElem) ([]byte, error) {
	if bytes.Equal(v, []byte("null")) {
		return bsoncore.AppendNullElement(dst, key), nil
	}
	if e == nil {
		return nil, fmt.Errorf("sjson: no type")
	}
	switch e.Type {
	case "object":
		var fields map[string]json.RawMessage
		if err := unmarshalNumbers(v, &fields); err != nil {
			return nil, err
		}
		doc, err := appendDocument(nil, fields, e.Schema)
		if err != nil {
			return nil, err
		}
		return bsoncore.AppendDocumentElement(dst, key, doc), nil
	case "array":
		var items []json.RawMessage
		if err := unmarshalNumbers(v, &items); err != nil {
			return nil, err
		}
		if len(items) != len(e.Items) {
			return nil, fmt.Errorf("sjson: %d items, %d in the schema", len(items), len(e.Items))
		}
		idx, arr := bsoncore.AppendArrayStart(nil)
		for i, it := range items {
			var err error
			if arr, err = appendValue(arr, strconv.Itoa(i), it, e.Items[i]); err != nil {
				return nil, fmt.Errorf("[%d]: %w", i, err)
			}
		}
		arr, err := bsoncore.AppendArrayEnd(arr, idx)
		if err != nil {
			return nil, err
		}
		return bsoncore.AppendArrayElement(dst, key, arr), nil
	case "string":
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
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
		i, err := strconv.ParseInt(string(v), 10, 32)
		if err != nil {
			return nil, err
		}
		return bsoncore.AppendInt32Element(dst, key, int32(i)), nil
	case "long":
		i, err := strconv.ParseInt(string(v), 10, 64)
		if err != nil {
			return nil, err
		}
		return bsoncore.AppendInt64Element(dst, key, i), nil
	case "date":
		ms, err := strconv.ParseInt(string(v), 10, 64)
		if err != nil {
			return nil, err
		}
		return bsoncore.AppendDateTimeElement(dst, key, ms), nil
	case "bool":
		var b bool
		if err := json.Unmarshal(v, &b); err != nil {
			return nil, err
		}
		return bsoncore.AppendBooleanElement(dst, key, b), nil
	case "binData":
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
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
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
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
		var pattern string
		if err := json.Unmarshal(v, &pattern); err != nil {
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
