package http

import (
	"bytes"
	"time"

	"github.com/gofiber/fiber/v2"
	qrcode "github.com/yeqown/go-qrcode/v2"
	qrwriter "github.com/yeqown/go-qrcode/writer/standard"

	"github.com/kincare/kincare/app/meals"
	"github.com/kincare/kincare/domain/meal"
)

// mealCode is the order's code of this minute, never cached: the next
// replaces it in 60 s.
func (h mealHandlers) mealCode(c *fiber.Ctx) error {
	code, until, o, err := h.svc.Code(c.UserContext(), mustActor(c), c.Params("mealOrderId"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"mealOrderId": o.ID, "code": code, "expiresAt": until,
		"rotatesEverySeconds": int(meal.CodePeriod / time.Second)})
}

// nopCloser lets the QR writer write into a buffer.
type nopCloser struct{ *bytes.Buffer }

func (nopCloser) Close() error { return nil }

// mealCodePNG renders the code of this minute as a QR code, for kiosks
// and for printing from the app.
func (h mealHandlers) mealCodePNG(c *fiber.Ctx) error {
	code, _, _, err := h.svc.Code(c.UserContext(), mustActor(c), c.Params("mealOrderId"))
	if err != nil {
		return err
	}
	q, err := qrcode.NewWith(code, qrcode.WithErrorCorrectionLevel(qrcode.ErrorCorrectionMedium))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := q.Save(qrwriter.NewWithWriter(nopCloser{&buf}, qrwriter.WithQRWidth(8), qrwriter.WithBuiltinImageEncoder(qrwriter.PNG_FORMAT))); err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentType, "image/png")
	return c.Send(buf.Bytes())
}

// redeem is a canteen device's scan.
func (h mealHandlers) redeem(c *fiber.Ctx) error {
	var req struct {
		Code      string     `json:"code"`
		ScannedAt *time.Time `json:"scannedAt"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	o, err := h.svc.Redeem(c.UserContext(), mustActor(c), meals.RedeemCommand{Code: req.Code, ScannedAt: req.ScannedAt})
	if err != nil {
		return err
	}
	return c.JSON(toMealOrder(o))
}
