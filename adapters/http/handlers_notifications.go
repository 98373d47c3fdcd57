package http

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kincare/kincare/app/notify"
	"github.com/kincare/kincare/domain/notification"
)

type notificationHandlers struct{ svc *notify.Service }

type notificationLink struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
}

type notificationResponse struct {
	ID        string           `json:"id"`
	Type      string           `json:"type"`
	Category  string           `json:"category"`
	Urgent    bool             `json:"urgent"`
	Title     string           `json:"title"`
	Body      string           `json:"body"`
	Link      notificationLink `json:"link"`
	CreatedAt time.Time        `json:"createdAt"`
	Read      bool             `json:"read"`
	ReadAt    *time.Time       `json:"readAt,omitempty"`
}

type notificationPage struct {
	Items       []notificationResponse `json:"items"`
	NextCursor  string                 `json:"nextCursor,omitempty"`
	UnreadCount int64                  `json:"unreadCount"`
}

func toNotification(n notification.Notification) notificationResponse {
	out := notificationResponse{ID: n.ID, Type: string(n.Type), Category: string(n.Category), Urgent: n.Urgent,
		Title: n.Title, Body: n.Body, Link: notificationLink{Kind: n.Link.Kind, ID: n.Link.ID},
		CreatedAt: n.CreatedAt.UTC(), Read: !n.Unread(), ReadAt: optionalTime(n.ReadAt)}
	return out
}

func (h notificationHandlers) list(c *fiber.Ctx) error {
	p, err := h.svc.List(c.UserContext(), mustActor(c), c.QueryBool("unread", false), c.Query("cursor"),
		c.QueryInt("limit", 0))
	if err != nil {
		return err
	}
	out := notificationPage{Items: make([]notificationResponse, len(p.Items)), NextCursor: p.NextCursor,
		UnreadCount: p.UnreadCount}
	for i, n := range p.Items {
		out.Items[i] = toNotification(n)
	}
	return c.JSON(out)
}

func (h notificationHandlers) markRead(c *fiber.Ctx) error {
	if err := h.svc.MarkRead(c.UserContext(), mustActor(c), c.Params("notificationId")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h notificationHandlers) markAllRead(c *fiber.Ctx) error {
	n, err := h.svc.MarkAllRead(c.UserContext(), mustActor(c))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"marked": n})
}

type quietHoursBody struct {
	Start    string `json:"start"`
	End      string `json:"end"`
	TimeZone string `json:"timeZone,omitempty"`
}

type preferencesBody struct {
	Categories map[string]bool `json:"categories"`
	QuietHours *quietHoursBody `json:"quietHours,omitempty"`
}

func toPreferences(p notification.Preferences) preferencesBody {
	out := preferencesBody{Categories: make(map[string]bool, len(notification.Categories))}
	for _, c := range notification.Categories {
		out.Categories[string(c)] = p.Enabled(c)
	}
	if q := p.Quiet; q != nil {
		out.QuietHours = &quietHoursBody{Start: q.Start.String(), End: q.End.String(), TimeZone: q.Zone}
	}
	return out
}

func (h notificationHandlers) getPreferences(c *fiber.Ctx) error {
	p, err := h.svc.GetPreferences(c.UserContext(), mustActor(c))
	if err != nil {
		return err
	}
	return c.JSON(toPreferences(p))
}

func (h notificationHandlers) putPreferences(c *fiber.Ctx) error {
	var req preferencesBody
	if err := decode(c, &req); err != nil {
		return err
	}
	cmd := notify.PreferencesCommand{Categories: req.Categories}
	if q := req.QuietHours; q != nil {
		cmd.Quiet = &notify.QuietHoursCommand{Start: q.Start, End: q.End, TimeZone: q.TimeZone}
	}
	p, err := h.svc.PutPreferences(c.UserContext(), mustActor(c), cmd)
	if err != nil {
		return err
	}
	return c.JSON(toPreferences(p))
}
