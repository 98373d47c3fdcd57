// Package upload names the files a record points at (the photos of a
// visit, the photo of a person allowed to collect a child). The files
// live in an object store; a record holds only their keys. Each record
// has its own key prefix, which the server issues with the record, and
// accepts only keys under it: a record can point neither at another
// record's files, nor at a URL, nor at a path outside the store.
//
// Pure Go; imports nothing of ours.
package upload

import "strings"

// MaxKey is the longest key, prefix included, in bytes.
const MaxKey = 200

// Prefix is the prefix of the keys of the record of this kind with this
// id: Prefix("orders", "o-1") is "orders/o-1/".
func Prefix(kind, id string) string { return kind + "/" + id + "/" }

// Under reports whether key is a key under prefix: the prefix, then one
// or more segments of ASCII letters, digits, '.', '_' and '-', separated
// by single slashes, none of them empty or starting with a dot (so no
// "." or ".."), the whole at most MaxKey bytes.
func Under(prefix, key string) bool {
	rest, ok := strings.CutPrefix(key, prefix)
	if !ok || rest == "" || len(key) > MaxKey || !strings.HasSuffix(prefix, "/") {
		return false
	}
	for _, seg := range strings.Split(rest, "/") {
		if seg == "" || seg[0] == '.' {
			return false
		}
		for i := 0; i < len(seg); i++ {
			if !keyByte(seg[i]) {
				return false
			}
		}
	}
	return true
}

func keyByte(b byte) bool {
	return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || b == '.' || b == '_' || b == '-'
}
