package ledger

import "hash/fnv"

// Seen is a Bloom filter of every key an account ever applied (4,096
// bits, four hashes). A key it has not seen was certainly never applied,
// so a posting on an account whose older entries left for the journal
// needs a journal read only for a key it may have seen: a retry, or
// (about 2 % of keys at 500 entries) a false positive.
type Seen [64]uint64

func (s *Seen) add(key string) {
	for _, i := range bits(key) {
		s[i/64] |= 1 << (i % 64)
	}
}

// MayHave reports whether key may have been applied.
func (s *Seen) MayHave(key string) bool {
	for _, i := range bits(key) {
		if s[i/64]&(1<<(i%64)) == 0 {
			return false
		}
	}
	return true
}

func bits(key string) [4]uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(key))
	sum := h.Sum64()
	h1, h2 := sum&0xffffffff, sum>>32|1
	var out [4]uint64
	for i := range out {
		out[i] = (h1 + uint64(i)*h2) % (64 * 64)
	}
	return out
}
