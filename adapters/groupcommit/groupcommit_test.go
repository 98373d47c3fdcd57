package groupcommit_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/kincare/kincare/adapters/groupcommit"
)

// Every key gets its own result, whatever batch it landed in; batches
// are sent one at a time and never exceed max.
func TestEveryKeyIsAnsweredItsOwnResultOneBatchAtATime(t *testing.T) {
	var out, calls atomic.Int32
	b := groupcommit.New(7, func(_ context.Context, keys []int) ([]int, error) {
		if out.Add(1) != 1 {
			t.Error("two batches out at once")
		}
		defer out.Add(-1)
		calls.Add(1)
		if len(keys) > 7 {
			t.Errorf("a batch of %d keys, want at most 7", len(keys))
		}
		res := make([]int, len(keys))
		for i, k := range keys {
			res[i] = k * k
		}
		return res, nil
	})
	var wg sync.WaitGroup
	for i := range 500 {
		wg.Go(func() {
			got, err := b.Do(context.Background(), i)
			if err != nil || got != i*i {
				t.Errorf("Do(%d) = %d, %v", i, got, err)
			}
		})
	}
	wg.Wait()
	if calls.Load() >= 500 {
		t.Logf("no batching happened (%d calls): the machine ran the callers one by one", calls.Load())
	}
}

// A batch's error reaches every key of it, and the next batch is sent.
func TestABatchsErrorFailsItsKeysAlone(t *testing.T) {
	boom := errors.New("boom")
	b := groupcommit.New(10, func(_ context.Context, keys []string) ([]bool, error) {
		if keys[0] == "fail" {
			return nil, boom
		}
		return make([]bool, len(keys)), nil
	})
	if _, err := b.Do(context.Background(), "fail"); !errors.Is(err, boom) {
		t.Fatalf("Do(fail) = %v, want boom", err)
	}
	if _, err := b.Do(context.Background(), "ok"); err != nil {
		t.Fatalf("Do(ok) after a failed batch = %v", err)
	}
}

// A run answering the wrong number of results fails its batch instead
// of answering keys with others' results.
func TestAShortAnswerFailsTheBatch(t *testing.T) {
	b := groupcommit.New(10, func(_ context.Context, keys []string) ([]bool, error) { return nil, nil })
	if _, err := b.Do(context.Background(), "x"); err == nil {
		t.Fatal("a batch answered no results and Do did not fail")
	}
}
