package http

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kincare/kincare/app/children"
	"github.com/kincare/kincare/app/elders"
	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/app/privacy"
	"github.com/kincare/kincare/domain/audit"
)

type privacyHandlers struct{ svc *privacy.Service }

type auditJSON struct {
	ID         string    `json:"id"`
	ActorID    string    `json:"actorId"`
	Action     string    `json:"action"`
	Resource   string    `json:"resource"`
	ResourceID string    `json:"resourceId"`
	RequestID  string    `json:"requestId,omitempty"`
	At         time.Time `json:"at"`
}

func toAudit(e audit.Entry) auditJSON {
	return auditJSON{ID: e.ID, ActorID: e.ActorID, Action: string(e.Action), Resource: e.Resource,
		ResourceID: e.ResourceID, RequestID: e.RequestID, At: e.At.UTC()}
}

func (h privacyHandlers) auditLog(c *fiber.Ctx) error {
	p, err := pageOf(c)
	if err != nil {
		return err
	}
	es, more, err := h.svc.AuditLog(c.UserContext(), mustActor(c), c.Params("familyId"), p)
	if err != nil {
		return err
	}
	out := items[auditJSON]{Items: make([]auditJSON, len(es))}
	for i, e := range es {
		out.Items[i] = toAudit(e)
	}
	if len(es) > 0 {
		out.NextCursor = page.Cursor(es[len(es)-1].ID, more)
	}
	return c.JSON(out)
}

type familyExportJSON struct {
	Family       familyJSON        `json:"family"`
	Elders       []elderJSON       `json:"elders"`
	Children     []childJSON       `json:"children"`
	DailyReports []dailyReportJSON `json:"dailyReports"`
	// What the family booked and ordered, through the same views as the
	// API's own reads.
	Bookings          []bookingJSON          `json:"bookings"`
	MealOrders        []mealOrderJSON        `json:"mealOrders"`
	MealSubscriptions []mealSubscriptionJSON `json:"mealSubscriptions"`
	RecurringOrders   []recurringOrderJSON   `json:"recurringOrders"`
}

type exportJSON struct {
	ExportedAt time.Time           `json:"exportedAt"`
	User       meResponse          `json:"user"`
	Devices    []deviceResponse    `json:"devices"`
	Families   []familyExportJSON  `json:"families"`
	Invites    []pendingInviteJSON `json:"invites"`
	Activity   []auditJSON         `json:"activity"`
	// Notifications are the inbox, oldest last like the API's list.
	Notifications           []notificationResponse `json:"notifications"`
	NotificationPreferences preferencesBody        `json:"notificationPreferences"`
}

// export renders through the same views as the API, with ages counted in
// each family's zone.
func (h privacyHandlers) export(c *fiber.Ctx) error {
	x, err := h.svc.Export(c.UserContext(), mustActor(c))
	if err != nil {
		return err
	}
	out := exportJSON{ExportedAt: x.ExportedAt, User: toMe(x.User), Devices: []deviceResponse{},
		Families: []familyExportJSON{}, Invites: []pendingInviteJSON{}, Activity: []auditJSON{},
		Notifications: []notificationResponse{}, NotificationPreferences: toPreferences(x.Prefs)}
	for _, d := range x.Devices {
		out.Devices = append(out.Devices, toDevice(d))
	}
	for _, f := range x.Families {
		fe := familyExportJSON{Family: toFamily(f.Family), Elders: []elderJSON{}, Children: []childJSON{},
			DailyReports: []dailyReportJSON{}, Bookings: []bookingJSON{}, MealOrders: []mealOrderJSON{},
			MealSubscriptions: []mealSubscriptionJSON{}, RecurringOrders: []recurringOrderJSON{}}
		for _, b := range f.Bookings {
			fe.Bookings = append(fe.Bookings, toBooking(b))
		}
		for _, o := range f.MealOrders {
			fe.MealOrders = append(fe.MealOrders, toMealOrder(o))
		}
		for _, sub := range f.MealSubscriptions {
			fe.MealSubscriptions = append(fe.MealSubscriptions, toMealSubscription(sub))
		}
		for _, r := range f.RecurringOrders {
			fe.RecurringOrders = append(fe.RecurringOrders, toRecurringOrder(r))
		}
		for _, r := range f.DailyReports {
			fe.DailyReports = append(fe.DailyReports, toReport(r))
		}
		for _, e := range f.Elders {
			fe.Elders = append(fe.Elders, toElder(elders.ViewIn(e, f.Family.Family, x.ExportedAt)))
		}
		for _, ch := range f.Children {
			fe.Children = append(fe.Children, toChild(children.ViewIn(ch, f.Family.Family, x.ExportedAt)))
		}
		out.Families = append(out.Families, fe)
	}
	for _, p := range x.Invites {
		out.Invites = append(out.Invites, toPending(p))
	}
	for _, e := range x.Activity {
		out.Activity = append(out.Activity, toAudit(e))
	}
	for _, n := range x.Inbox {
		out.Notifications = append(out.Notifications, toNotification(n))
	}
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="kincare-export.json"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(out)
}

func (h privacyHandlers) deleteMe(c *fiber.Ctx) error {
	if err := h.svc.DeleteAccount(c.UserContext(), mustActor(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
