package redis

import "testing"

// The slot's keys are slices of one string; each must still be its own.
func TestASlotsKeysAreItsOwn(t *testing.T) {
	k := keysOf("s1")
	want := slotKeys{prefix: "kc:{slot:s1}:", m: "kc:{slot:s1}:m", h: "kc:{slot:s1}:h", hi: "kc:{slot:s1}:hi",
		c: "kc:{slot:s1}:c", ci: "kc:{slot:s1}:ci"}
	if k != want || k.user("u") != "kc:{slot:s1}:u:u" || k.hold("x") != "kc:{slot:s1}:d:x" {
		t.Fatalf("keys %+v; want %+v", k, want)
	}
	if n := testing.AllocsPerRun(100, func() { k = keysOf("s1") }); n > 1 {
		t.Errorf("naming a slot's keys took %.0f allocations; want 1", n)
	}
}
