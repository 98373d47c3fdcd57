// Package jobs runs kincare's background work on the asynq job queue in
// Redis: delivering events and sending pushes. Task ids are the event or
// notification ids, so a second hand-off of the same work is refused by
// asynq itself; MongoDB keeps the lasting copy (notify.Reconcile rebuilds
// the queue from it).
package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/kincare/kincare/domain/event"
)

const (
	typeDeliver = "event:deliver"
	typePush    = "push:send"

	// retention keeps a finished task's id in Redis so a late duplicate
	// hand-off is still refused; past it, the inbox's uniqueness holds.
	retention = time.Hour
)

// Client queues tasks; it implements notify.Queue.
type Client struct {
	c         *asynq.Client
	inspector *asynq.Inspector
	queue     string
	pushRetry int
	// now is kincare's clock; asynq schedules by the wall clock, so a
	// due time is turned into the wall clock's by the difference.
	now func() time.Time
}

// deliverRetry bounds the retries of delivering an event: it fails only
// while MongoDB is unreachable, and with backoff capped at an hour this
// rides out about a day. Past it the task is archived, and Reconcile
// runs it again.
const deliverRetry = 30

// NewClient shares rdb's connections. queue names the asynq queue (one
// per deployment sharing a Redis); pushRetry bounds the retries of one
// push that the push service refuses for now (asynq counts retries after
// the first try).
func NewClient(rdb redis.UniversalClient, queue string, pushRetry int) *Client {
	return &Client{c: asynq.NewClientFromRedisClient(rdb), inspector: asynq.NewInspectorFromRedisClient(rdb),
		queue: queue, pushRetry: pushRetry, now: time.Now}
}

// WithClock makes due times be read on now (a clock moved for tests)
// rather than the wall clock.
func (c *Client) WithClock(now func() time.Time) *Client {
	c.now = now
	return c
}

// eventPayload is an event on the wire: the task carries the whole event,
// so delivering it needs no read of the journal.
type eventPayload struct {
	ID          string            `json:"id"`
	Type        string            `json:"type"`
	SubjectKind string            `json:"subjectKind"`
	SubjectID   string            `json:"subjectId"`
	At          time.Time         `json:"at"`
	NotBefore   time.Time         `json:"notBefore,omitzero"`
	Data        map[string]string `json:"data,omitempty"`
}

func (p eventPayload) event() event.Event {
	return event.Event{ID: p.ID, Type: event.Type(p.Type), Subject: event.Subject{Kind: p.SubjectKind, ID: p.SubjectID},
		At: p.At, NotBefore: p.NotBefore, Data: p.Data}
}

// EnqueueEvent queues e's delivery: a reminder at its NotBefore, any
// other event at once. An event's At is when it happened by the clock of
// the capability that recorded it, which is the system clock except in a
// test that moves a capability's own clock (the childcare day's); the
// queue schedules by the system clock, so it reads only NotBefore.
func (c *Client) EnqueueEvent(ctx context.Context, e event.Event) (bool, error) {
	body, err := eventPayload{ID: e.ID, Type: string(e.Type), SubjectKind: e.Subject.Kind,
		SubjectID: e.Subject.ID, At: e.At, NotBefore: e.NotBefore, Data: e.Data}.marshal()
	if err != nil {
		return false, fmt.Errorf("jobs: encode event: %w", err)
	}
	return c.enqueue(ctx, asynq.NewTask(typeDeliver, body), "event:"+e.ID, e.NotBefore, deliverRetry)
}

func (c *Client) EnqueuePush(ctx context.Context, notificationID string, at time.Time) (bool, error) {
	return c.enqueue(ctx, asynq.NewTask(typePush, []byte(notificationID)), "push:"+notificationID, at, c.pushRetry)
}

// enqueue reports whether it queued the task. A task id already taken
// means that work is queued, running, or done within retention, except
// when the task was archived after its last retry: then it runs again,
// because the caller only asks for work MongoDB says is unfinished.
func (c *Client) enqueue(ctx context.Context, t *asynq.Task, id string, at time.Time, retry int) (bool, error) {
	opts := []asynq.Option{asynq.TaskID(id), asynq.Queue(c.queue), asynq.MaxRetry(retry),
		asynq.Retention(retention), asynq.Timeout(2 * time.Minute)}
	if now := c.now(); at.After(now) {
		opts = append(opts, asynq.ProcessAt(time.Now().Add(at.Sub(now))))
	}
	_, err := c.c.EnqueueContext(ctx, t, opts...)
	switch {
	case errors.Is(err, asynq.ErrTaskIDConflict) || errors.Is(err, asynq.ErrDuplicateTask):
		return c.revive(id)
	case err != nil:
		return false, fmt.Errorf("jobs: enqueue %s: %w", id, err)
	}
	return true, nil
}

// revive runs an archived task again; any other state is left alone.
func (c *Client) revive(id string) (bool, error) {
	info, err := c.inspector.GetTaskInfo(c.queue, id)
	if errors.Is(err, asynq.ErrTaskNotFound) {
		return false, nil // finished and gone between the two calls
	}
	if err != nil {
		return false, fmt.Errorf("jobs: inspect %s: %w", id, err)
	}
	if info.State != asynq.TaskStateArchived {
		return false, nil
	}
	if err := c.inspector.RunTask(c.queue, id); err != nil && !errors.Is(err, asynq.ErrTaskNotFound) {
		return false, fmt.Errorf("jobs: run archived %s: %w", id, err)
	}
	return true, nil
}

// RunDue starts the scheduled event deliveries whose due time has come
// on kincare's clock though not yet on the wall clock asynq schedules
// by: only a clock moved forward (tests, drills) makes any. It reports
// how many it started.
func (c *Client) RunDue(ctx context.Context) (int, error) {
	now := c.now()
	n := 0
	for pg := 1; ; pg++ {
		tasks, err := c.inspector.ListScheduledTasks(c.queue, asynq.PageSize(500), asynq.Page(pg))
		if errors.Is(err, asynq.ErrQueueNotFound) {
			return n, nil // nothing was ever queued
		}
		if err != nil {
			return n, fmt.Errorf("jobs: list scheduled: %w", err)
		}
		for _, t := range tasks {
			if t.Type != typeDeliver {
				continue
			}
			var p eventPayload
			if json.Unmarshal(t.Payload, &p) != nil || p.NotBefore.After(now) {
				continue
			}
			if err := c.inspector.RunTask(c.queue, t.ID); err != nil && !errors.Is(err, asynq.ErrTaskNotFound) {
				return n, fmt.Errorf("jobs: run due %s: %w", t.ID, err)
			}
			n++
		}
		if len(tasks) < 500 || ctx.Err() != nil {
			return n, ctx.Err()
		}
	}
}
