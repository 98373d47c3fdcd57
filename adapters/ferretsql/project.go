package ferretsql

import (
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"
)

// project applies a projection as MongoDB does, for the forms answered
// here: an inclusion of top-level fields ({a: 1, b: 1}, _id kept unless
// {_id: 0}), or an exclusion of fields at top level or inside embedded
// documents ({text: 0, "reply.text": 0}). Anything else is unsupported.
// A nil or empty projection returns the document as it is.
func project(doc bson.Raw, proj bson.D) (bson.Raw, error) {
	if len(proj) == 0 {
		return doc, nil
	}
	include, keepID, err := projectionMode(proj)
	if err != nil {
		return nil, err
	}
	elems, err := doc.Elements()
	if err != nil {
		return nil, err
	}
	if include {
		want := map[string]bool{}
		for _, p := range proj {
			want[p.Key] = true
		}
		idx, out := bsoncore.AppendDocumentStart(nil)
		for _, e := range elems {
			if k := e.Key(); (k == "_id" && keepID) || (k != "_id" && want[k]) {
				out = append(out, e...)
			}
		}
		out, err := bsoncore.AppendDocumentEnd(out, idx)
		return bson.Raw(out), err
	}
	drop := map[string][]string{} // field → paths below it to drop ("" for itself)
	for _, p := range proj {
		head, rest, _ := strings.Cut(p.Key, ".")
		drop[head] = append(drop[head], rest)
	}
	return exclude(doc, drop)
}

func projectionMode(proj bson.D) (include, keepID bool, err error) {
	keepID = true
	mode := 0 // 1 inclusion, -1 exclusion
	for _, p := range proj {
		on, ok := projectionValue(p.Value)
		if !ok {
			return false, false, unsupported("projection %v", p.Value)
		}
		if p.Key == "_id" {
			keepID = on
			continue
		}
		m := -1
		if on {
			m = 1
			if strings.Contains(p.Key, ".") {
				return false, false, unsupported("nested inclusion %s", p.Key)
			}
		}
		if mode != 0 && m != mode {
			return false, false, unsupported("mixed projection")
		}
		mode = m
	}
	if mode == 0 { // only _id named
		if keepID {
			return true, true, nil
		}
		return false, false, unsupported("projection of _id alone")
	}
	if mode == -1 && !keepID {
		return false, false, unsupported("exclusion with _id: 0")
	}
	return mode == 1, keepID, nil
}

func projectionValue(v any) (bool, bool) {
	switch v := v.(type) {
	case bool:
		return v, true
	case int:
		return v != 0, v == 0 || v == 1
	case int32:
		return v != 0, v == 0 || v == 1
	case int64:
		return v != 0, v == 0 || v == 1
	}
	return false, false
}

// exclude drops fields of doc: drop maps a field to the paths below it
// to drop, "" meaning the field itself. Paths below a field apply to an
// embedded document; through anything else they are unsupported.
func exclude(doc bson.Raw, drop map[string][]string) (bson.Raw, error) {
	elems, err := doc.Elements()
	if err != nil {
		return nil, err
	}
	idx, out := bsoncore.AppendDocumentStart(nil)
	for _, e := range elems {
		paths, ok := drop[e.Key()]
		if !ok {
			out = append(out, e...)
			continue
		}
		below := map[string][]string{}
		whole := false
		for _, p := range paths {
			if p == "" {
				whole = true
				break
			}
			head, rest, _ := strings.Cut(p, ".")
			below[head] = append(below[head], rest)
		}
		if whole {
			continue
		}
		sub, isDoc := e.Value().DocumentOK()
		if !isDoc {
			if e.Value().Type == bson.TypeArray {
				return nil, unsupported("exclusion through array %s", e.Key())
			}
			out = append(out, e...) // nothing below a scalar to drop
			continue
		}
		kept, err := exclude(sub, below)
		if err != nil {
			return nil, err
		}
		out = bsoncore.AppendDocumentElement(out, e.Key(), kept)
	}
	out, err = bsoncore.AppendDocumentEnd(out, idx)
	return bson.Raw(out), err
}
