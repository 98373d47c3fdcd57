package clock

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func write(t *testing.T, path, s string) {
	t.Helper()
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// The file moves the clock ahead and lets it run, or makes it stand at
// an instant; each rewrite is seen in the next reading.
func TestOffsetFileRunsAheadOrStands(t *testing.T) {
	path := filepath.Join(t.TempDir(), "clock")
	c, err := OffsetFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Until(c.Now()); d > time.Second || d < -time.Second {
		t.Fatalf("without a file the clock is off by %s", d)
	}

	write(t, path, "26h30m")
	if d := time.Until(c.Now()); d < 26*time.Hour+29*time.Minute || d > 26*time.Hour+31*time.Minute {
		t.Fatalf("26h30m ahead reads as %s ahead", d)
	}

	at := time.Now().Add(72 * time.Hour).Truncate(time.Second).Add(-time.Second)
	write(t, path, at.Format(time.RFC3339Nano))
	// Exactly the instant, twice: a running clock would have moved by
	// the nanoseconds between the readings.
	if first, second := c.Now(), c.Now(); !first.Equal(at) || !second.Equal(at) {
		t.Fatalf("standing at %s the clock read %s, then %s", at, first, second)
	}

	write(t, path, "1h")
	if d := time.Until(c.Now()); d < 59*time.Minute || d > 61*time.Minute {
		t.Fatalf("running again 1h ahead reads as %s ahead", d)
	}
}

func TestOffsetFileRefusesWhatIsNeitherDurationNorInstant(t *testing.T) {
	path := filepath.Join(t.TempDir(), "clock")
	write(t, path, "next tuesday")
	if _, err := OffsetFile(path); err == nil {
		t.Fatal("a clock file holding words was accepted")
	}
}
