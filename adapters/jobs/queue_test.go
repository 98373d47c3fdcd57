package jobs

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/kincare/kincare/app/notify"
	"github.com/kincare/kincare/test/testenv"
)

// A task archived after its last retry must not block its id for good:
// Reconcile asks again only for work MongoDB says is unfinished.
func TestArchivedTaskRunsAgainWhenQueuedAgain(t *testing.T) {
	rdb, _ := testenv.Redis(t)
	queue := "jobs_test_" + time.Now().Format("150405.000000000")
	c := NewClient(rdb, queue, 0)
	var runs atomic.Int32
	srv := asynq.NewServerFromRedisClient(rdb, asynq.Config{Queues: map[string]int{queue: 1},
		TaskCheckInterval: 20 * time.Millisecond, LogLevel: asynq.FatalLevel})
	mux := asynq.NewServeMux()
	mux.HandleFunc(typePush, func(context.Context, *asynq.Task) error {
		if runs.Add(1) == 1 {
			return errors.New("mongo unreachable")
		}
		return nil
	})
	if err := srv.Start(mux); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Shutdown)

	if queued, err := c.EnqueuePush(context.Background(), "n-1", time.Now()); err != nil || !queued {
		t.Fatalf("first enqueue: %v %v", queued, err)
	}
	waitState(t, c, "push:n-1", asynq.TaskStateArchived)
	if queued, err := c.EnqueuePush(context.Background(), "n-1", time.Now()); err != nil || !queued {
		t.Fatalf("enqueue of an archived task: %v %v", queued, err)
	}
	waitState(t, c, "push:n-1", asynq.TaskStateCompleted)
	if runs.Load() != 2 {
		t.Fatalf("ran %d times, want 2", runs.Load())
	}
	if queued, err := c.EnqueuePush(context.Background(), "n-1", time.Now()); err != nil || queued {
		t.Fatalf("enqueue of a completed task: %v %v, want refused as done", queued, err)
	}
}

func waitState(t *testing.T, c *Client, id string, want asynq.TaskState) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		info, err := c.inspector.GetTaskInfo(c.queue, id)
		if err == nil && info.State == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("task %s never became %s (last %v, %v)", id, want, info, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestRetryDelayBacksOffAndHonoursRetryAfter(t *testing.T) {
	delay := retryDelay(time.Second, time.Minute)
	for n := range 10 {
		d := delay(n, errors.New("boom"), nil)
		full := min(time.Second<<n, time.Minute)
		if d < full/2 || d > full {
			t.Errorf("retry %d waits %s, want within [%s, %s]", n, d, full/2, full)
		}
	}
	// FCM asked for 30 s: at least that, and a second more, since asynq
	// schedules in whole seconds.
	if d := delay(0, &notify.RetryableError{After: 30 * time.Second}, nil); d < 31*time.Second {
		t.Errorf("Retry-After 30s gave %s", d)
	}
}
