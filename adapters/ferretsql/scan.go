package ferretsql

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// A scanner of the JSON FerretDB writes, for decode: it splits an
// object into its members and an array into its elements, each value
// kept as its bytes, and reads strings; numbers stay text for the type
// the schema names. It trusts its input to be JSON (FerretDB wrote it)
// but refuses what it cannot split, never guessing.

type member struct {
	key string
	val []byte
}

var errJSON = errors.New("malformed JSON")

func skipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// skipString returns the index after the string starting at data[i].
func skipString(data []byte, i int) (int, error) {
	for j := i + 1; j < len(data); j++ {
		k := bytes.IndexByte(data[j:], '"')
		if k < 0 {
			break
		}
		j += k
		escaped := false // by an odd run of backslashes before it
		for b := j - 1; b > i && data[b] == '\\'; b-- {
			escaped = !escaped
		}
		if !escaped {
			return j + 1, nil
		}
	}
	return 0, errJSON
}

// skipValue returns the index after the value starting at data[i].
func skipValue(data []byte, i int) (int, error) {
	if i >= len(data) {
		return 0, errJSON
	}
	switch data[i] {
	case '"':
		return skipString(data, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(data); j++ {
			switch data[j] {
			case '"':
				end, err := skipString(data, j)
				if err != nil {
					return 0, err
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return j + 1, nil
				}
			}
		}
		return 0, errJSON
	}
	j := i
	for j < len(data) {
		switch data[j] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return j, nil
		}
		j++
	}
	if j == i {
		return 0, errJSON
	}
	return j, nil
}

// members splits a JSON object.
func members(data []byte) ([]member, error) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return nil, fmt.Errorf("%w: not an object", errJSON)
	}
	var out []member
	for i = skipSpace(data, i+1); ; {
		if i < len(data) && data[i] == '}' && len(out) == 0 {
			return out, nil
		}
		if i >= len(data) || data[i] != '"' {
			return nil, errJSON
		}
		end, err := skipString(data, i)
		if err != nil {
			return nil, err
		}
		key, err := unquote(data[i:end])
		if err != nil {
			return nil, err
		}
		i = skipSpace(data, end)
		if i >= len(data) || data[i] != ':' {
			return nil, errJSON
		}
		i = skipSpace(data, i+1)
		end, err = skipValue(data, i)
		if err != nil {
			return nil, err
		}
		out = append(out, member{key: key, val: data[i:end]})
		i = skipSpace(data, end)
		if i >= len(data) {
			return nil, errJSON
		}
		switch data[i] {
		case ',':
			i = skipSpace(data, i+1)
		case '}':
			return out, nil
		default:
			return nil, errJSON
		}
	}
}

// elements splits a JSON array.
func elements(data []byte) ([][]byte, error) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '[' {
		return nil, fmt.Errorf("%w: not an array", errJSON)
	}
	var out [][]byte
	for i = skipSpace(data, i+1); ; {
		if i < len(data) && data[i] == ']' && len(out) == 0 {
			return out, nil
		}
		end, err := skipValue(data, i)
		if err != nil {
			return nil, err
		}
		out = append(out, data[i:end])
		i = skipSpace(data, end)
		if i >= len(data) {
			return nil, errJSON
		}
		switch data[i] {
		case ',':
			i = skipSpace(data, i+1)
		case ']':
			return out, nil
		default:
			return nil, errJSON
		}
	}
}

// unquote reads a JSON string. Most need no unescaping; the others, and
// invalid UTF-8 (which encoding/json replaces), go to encoding/json so
// the result is the same.
func unquote(v []byte) (string, error) {
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
		return "", fmt.Errorf("%w: not a string", errJSON)
	}
	body := v[1 : len(v)-1]
	plain := true
	for _, c := range body {
		if c == '\\' || c == '"' || c < 0x20 {
			plain = false
			break
		}
	}
	if plain && utf8.Valid(body) {
		return string(body), nil
	}
	var s string
	err := json.Unmarshal(v, &s)
	return s, err
}

// parseSchema reads a "$s" schema: {"p": {key: elem…}, "$k": [key…]}.
func parseSchema(data []byte) (*sjsonSchema, error) {
	if isNull(data) {
		return nil, nil
	}
	fields, err := members(data)
	if err != nil {
		return nil, err
	}
	s := &sjsonSchema{}
	for _, f := range fields {
		switch f.key {
		case "p":
			if isNull(f.val) {
				s.Properties = nil
				continue
			}
			props, err := members(f.val)
			if err != nil {
				return nil, err
			}
			s.Properties = make(map[string]*sjsonElem, len(props))
			for _, p := range props {
				if s.Properties[p.key], err = parseElem(p.val); err != nil {
					return nil, fmt.Errorf("%s: %w", p.key, err)
				}
			}
		case "$k":
			if isNull(f.val) {
				s.Keys = nil
				continue
			}
			keys, err := elements(f.val)
			if err != nil {
				return nil, err
			}
			s.Keys = make([]string, len(keys))
			for i, k := range keys {
				if s.Keys[i], err = unquote(k); err != nil {
					return nil, err
				}
			}
		}
	}
	return s, nil
}

// parseElem reads one field's type: {"t", "$s", "o", "i", "s"}.
func parseElem(data []byte) (*sjsonElem, error) {
	if isNull(data) {
		return nil, nil
	}
	fields, err := members(data)
	if err != nil {
		return nil, err
	}
	e := &sjsonElem{}
	for _, f := range fields {
		switch f.key {
		case "t":
			if e.Type, err = unquote(f.val); err != nil {
				return nil, err
			}
		case "$s":
			if e.Schema, err = parseSchema(f.val); err != nil {
				return nil, err
			}
		case "o":
			if isNull(f.val) {
				e.Options = nil
				continue
			}
			o, err := unquote(f.val)
			if err != nil {
				return nil, err
			}
			e.Options = &o
		case "i":
			if isNull(f.val) {
				e.Items = nil
				continue
			}
			items, err := elements(f.val)
			if err != nil {
				return nil, err
			}
			e.Items = make([]*sjsonElem, len(items))
			for i, it := range items {
				if e.Items[i], err = parseElem(it); err != nil {
					return nil, fmt.Errorf("[%d]: %w", i, err)
				}
			}
		case "s":
			if isNull(f.val) {
				e.Subtype = nil
				continue
			}
			n, err := strconv.ParseUint(string(f.val), 10, 8)
			if err != nil {
				return nil, err
			}
			st := uint8(n)
			e.Subtype = &st
		}
	}
	return e, nil
}

func isNull(v []byte) bool { return string(v) == "null" }

// objectIter walks an object's members one at a time. Decoding walks
// every object of every document it reads, and the slice members
// builds (with a string per key) was a third of a decode's allocations.
type objectIter struct {
	data []byte
	i    int
	done bool
}

func newObjectIter(data []byte) (objectIter, error) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return objectIter{}, fmt.Errorf("%w: not an object", errJSON)
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return objectIter{done: true}, nil
	}
	return objectIter{data: data, i: i}, nil
}

// next returns the next member's key, quoted as it is written, and its
// value; ok is false after the last.
func (it *objectIter) next() (key, val []byte, ok bool, err error) {
	if it.done {
		return nil, nil, false, nil
	}
	data, i := it.data, it.i
	if i >= len(data) || data[i] != '"' {
		return nil, nil, false, errJSON
	}
	end, err := skipString(data, i)
	if err != nil {
		return nil, nil, false, err
	}
	key = data[i:end]
	i = skipSpace(data, end)
	if i >= len(data) || data[i] != ':' {
		return nil, nil, false, errJSON
	}
	i = skipSpace(data, i+1)
	if end, err = skipValue(data, i); err != nil {
		return nil, nil, false, err
	}
	val = data[i:end]
	i = skipSpace(data, end)
	if i >= len(data) {
		return nil, nil, false, errJSON
	}
	switch data[i] {
	case ',':
		it.i = skipSpace(data, i+1)
	case '}':
		it.done = true
	default:
		return nil, nil, false, errJSON
	}
	return key, val, true, nil
}

// arrayIter walks an array's elements one at a time; see objectIter.
type arrayIter struct {
	data []byte
	i    int
	done bool
}

func newArrayIter(data []byte) (arrayIter, error) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '[' {
		return arrayIter{}, fmt.Errorf("%w: not an array", errJSON)
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == ']' {
		return arrayIter{done: true}, nil
	}
	return arrayIter{data: data, i: i}, nil
}

func (it *arrayIter) next() (val []byte, ok bool, err error) {
	if it.done {
		return nil, false, nil
	}
	data, i := it.data, it.i
	end, err := skipValue(data, i)
	if err != nil {
		return nil, false, err
	}
	val = data[i:end]
	i = skipSpace(data, end)
	if i >= len(data) {
		return nil, false, errJSON
	}
	switch data[i] {
	case ',':
		it.i = skipSpace(data, i+1)
	case ']':
		it.done = true
	default:
		return nil, false, errJSON
	}
	return val, true, nil
}

// plainBody returns a JSON string's bytes between its quotes when they
// need no unescaping and are valid UTF-8 (then they are the string).
func plainBody(v []byte) ([]byte, bool) {
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
		return nil, false
	}
	body := v[1 : len(v)-1]
	for _, c := range body {
		if c == '\\' || c == '"' || c < 0x20 {
			return nil, false
		}
	}
	return body, utf8.Valid(body)
}

// keyIs reports whether a quoted key reads as want.
func keyIs(quoted []byte, want string) bool {
	if body, ok := plainBody(quoted); ok {
		return string(body) == want
	}
	s, err := unquote(quoted)
	return err == nil && s == want
}

// parseInt reads a JSON integer of bitSize bits as strconv.ParseInt
// does, without the string strconv needs for the common short case.
func parseInt(v []byte, bitSize int) (int64, error) {
	digits := v
	neg := len(v) > 0 && v[0] == '-'
	if neg {
		digits = v[1:]
	}
	if len(digits) == 0 || len(digits) > 18 {
		return strconv.ParseInt(string(v), 10, bitSize)
	}
	var n int64
	for _, c := range digits {
		if c < '0' || c > '9' {
			return strconv.ParseInt(string(v), 10, bitSize)
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	if bitSize == 32 && (n < -1<<31 || n > 1<<31-1) {
		return strconv.ParseInt(string(v), 10, bitSize) // its range error
	}
	return n, nil
}
