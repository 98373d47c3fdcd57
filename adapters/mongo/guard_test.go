package mongo

import (
	"context"
	"errors"
	"testing"
)

// The embedded store's writer admits one write at a time; one waiting
// gives up when its context ends; against MongoDB it admits all.
func TestOneWriterAtATime(t *testing.T) {
	g := newWriteGuard(true)
	unlock, err := g.write(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ended, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := g.write(ended); !errors.Is(err, context.Canceled) {
		t.Fatalf("a second writer while the first writes: %v, want it to wait (and give up with its context)", err)
	}
	unlock()
	if unlock, err = g.write(context.Background()); err != nil {
		t.Fatalf("the writer free again: %v", err)
	}
	unlock()

	off := newWriteGuard(false)
	u1, err1 := off.write(context.Background())
	u2, err2 := off.write(context.Background())
	if err1 != nil || err2 != nil {
		t.Fatalf("against MongoDB: %v, %v", err1, err2)
	}
	u1()
	u2()
}
