package ferretsql

import (
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
		switch data[j] {
		case '\\':
			j++
		case '"':
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
