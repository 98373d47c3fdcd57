package http

import (
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kincare/kincare/app/devices"
	"github.com/kincare/kincare/domain/device"
)

type deviceHandlers struct{ svc *devices.Service }

type deviceRequest struct {
	Platform   string `json:"platform"`
	App        string `json:"app"`
	Locale     string `json:"locale"`
	AppVersion string `json:"appVersion"`
}

type deviceResponse struct {
	Token      string    `json:"token"`
	Platform   string    `json:"platform"`
	App        string    `json:"app"`
	Locale     string    `json:"locale,omitempty"`
	AppVersion string    `json:"appVersion,omitempty"`
	UpdatedAt  time.Time `json:"updatedAt"`
}

func toDevice(d device.Device) deviceResponse {
	return deviceResponse{Token: d.Token, Platform: string(d.Platform), App: string(d.App), Locale: d.Locale,
		AppVersion: d.AppVersion, UpdatedAt: d.UpdatedAt.UTC()}
}

func pathToken(c *fiber.Ctx) (string, error) {
	t, err := url.PathUnescape(c.Params("token"))
	if err != nil {
		return "", errInvalidParameter.Wrap(err)
	}
	return t, nil
}

func (h deviceHandlers) put(c *fiber.Ctx) error {
	var req deviceRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	token, err := pathToken(c)
	if err != nil {
		return err
	}
	d, created, err := h.svc.Register(c.UserContext(), mustActor(c), devices.RegisterCommand{
		Token: token, Platform: req.Platform, App: req.App, Locale: req.Locale, AppVersion: req.AppVersion})
	if err != nil {
		return err
	}
	status := fiber.StatusOK
	if created {
		status = fiber.StatusCreated
	}
	return c.Status(status).JSON(toDevice(d))
}

func (h deviceHandlers) delete(c *fiber.Ctx) error {
	token, err := pathToken(c)
	if err != nil {
		return err
	}
	if err := h.svc.Remove(c.UserContext(), mustActor(c), token); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

type deviceList struct {
	Items []deviceResponse `json:"items"`
}

func (h deviceHandlers) list(c *fiber.Ctx) error {
	ds, err := h.svc.List(c.UserContext(), mustActor(c))
	if err != nil {
		return err
	}
	out := deviceList{Items: make([]deviceResponse, len(ds))}
	for i, d := range ds {
		out.Items[i] = toDevice(d)
	}
	return c.JSON(out)
}
