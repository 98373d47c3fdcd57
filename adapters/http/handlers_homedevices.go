package http

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kincare/kincare/app/homedevices"
	"github.com/kincare/kincare/domain/homedevice"
)

type homeDeviceHandlers struct{ svc *homedevices.Service }

type homeDeviceJSON struct {
	ID           string     `json:"id"`
	ElderID      string     `json:"elderId"`
	Kind         string     `json:"kind"`
	Vendor       string     `json:"vendor"`
	Serial       string     `json:"serial"`
	RegisteredAt time.Time  `json:"registeredAt"`
	LastSeenAt   time.Time  `json:"lastSeenAt"`
	LastOpenedAt *time.Time `json:"lastOpenedAt,omitempty"`
}

func toHomeDevice(d homedevice.Device) homeDeviceJSON {
	return homeDeviceJSON{ID: d.ID, ElderID: d.ElderID, Kind: string(d.Kind), Vendor: d.Vendor, Serial: d.Serial,
		RegisteredAt: d.RegisteredAt.UTC(), LastSeenAt: d.LastSeenAt.UTC(), LastOpenedAt: optionalTime(d.LastOpenedAt)}
}

func (h homeDeviceHandlers) register(c *fiber.Ctx) error {
	var req struct {
		Kind   string `json:"kind"`
		Vendor string `json:"vendor"`
		Serial string `json:"serial"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	d, err := h.svc.Register(c.UserContext(), mustActor(c), homedevices.RegisterCommand{ElderID: c.Params("elderId"),
		Kind: homedevice.Kind(req.Kind), Vendor: req.Vendor, Serial: req.Serial})
	if err != nil {
		return err
	}
	c.Location("/v1/home-devices/" + d.ID)
	return c.Status(fiber.StatusCreated).JSON(toHomeDevice(d))
}

func (h homeDeviceHandlers) list(c *fiber.Ctx) error {
	ds, err := h.svc.ForElder(c.UserContext(), mustActor(c), c.Params("elderId"))
	if err != nil {
		return err
	}
	out := items[homeDeviceJSON]{Items: make([]homeDeviceJSON, len(ds))}
	for i, d := range ds {
		out.Items[i] = toHomeDevice(d)
	}
	return c.JSON(out)
}

func (h homeDeviceHandlers) remove(c *fiber.Ctx) error {
	if err := h.svc.Remove(c.UserContext(), mustActor(c), c.Params("deviceId")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// ingest takes a vendor's signed event; the body's bytes go to the app
// as they arrived, since the signature covers them.
func (h homeDeviceHandlers) ingest(c *fiber.Ctx) error {
	res, err := h.svc.Ingest(c.UserContext(), homedevices.Signed{Vendor: c.Get("X-Kincare-Vendor"),
		Timestamp: c.Get("X-Kincare-Timestamp"), Signature: c.Get("X-Kincare-Signature"), Body: c.Body()})
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"eventId": res.EventID, "duplicate": res.Duplicate, "incidentId": res.IncidentID})
}
