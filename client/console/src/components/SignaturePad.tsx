import { ClearOutlined } from "@ant-design/icons";
import { Button, Typography } from "antd";
import { useCallback, useEffect, useRef } from "react";

interface Props {
  /** the signature as a PNG data URL, or null when not signed */
  value: string | null;
  onChange: (png: string | null) => void;
  height?: number;
}

/**
 * 住户签名: a canvas the resident signs on with a finger, a stylus or the mouse (pointer events, so touch
 * does not scroll the page). Each finished stroke hands the whole signature up as a PNG data URL (kept in
 * the visit draft, uploaded as the visit's signature image); 重签 clears it. A saved draft's signature is
 * drawn back when the form reopens.
 */
export function SignaturePad({ value, onChange, height = 160 }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const drawing = useRef(false);
  const last = useRef<{ x: number; y: number } | null>(null);
  const drawn = useRef<string | null>(null);

  const ctx2d = useCallback(() => canvas.current?.getContext("2d") ?? null, []);

  // size the bitmap to the element (at most 2× for sharp lines on a phone) and draw the saved signature back
  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    const ratio = Math.min(window.devicePixelRatio || 1, 2);
    const w = c.clientWidth || 320;
    if (c.width !== Math.round(w * ratio)) {
      c.width = Math.round(w * ratio);
      c.height = Math.round(height * ratio);
    }
    const g = c.getContext("2d");
    if (!g) return;
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.lineWidth = 2.5;
    g.lineCap = "round";
    g.lineJoin = "round";
    g.strokeStyle = "#111";
    if (value === drawn.current) return;
    g.clearRect(0, 0, c.width, c.height);
    drawn.current = value;
    if (value) {
      const img = new Image();
      img.onload = () => g.drawImage(img, 0, 0, c.width / ratio, c.height / ratio);
      img.src = value;
    }
  }, [value, height]);

  const at = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };

  const down = (e: React.PointerEvent<HTMLCanvasElement>) => {
    e.preventDefault();
    e.currentTarget.setPointerCapture?.(e.pointerId);
    drawing.current = true;
    last.current = at(e);
    const g = ctx2d();
    const p = last.current;
    if (g && p) {
      g.beginPath();
      g.arc(p.x, p.y, 1.2, 0, Math.PI * 2);
      g.fillStyle = "#111";
      g.fill();
    }
  };
  const move = (e: React.PointerEvent<HTMLCanvasElement>) => {
    if (!drawing.current) return;
    e.preventDefault();
    const g = ctx2d();
    const p = at(e);
    if (g && last.current) {
      g.beginPath();
      g.moveTo(last.current.x, last.current.y);
      g.lineTo(p.x, p.y);
      g.stroke();
    }
    last.current = p;
  };
  const up = () => {
    if (!drawing.current) return;
    drawing.current = false;
    last.current = null;
    const png = canvas.current?.toDataURL("image/png") ?? null;
    drawn.current = png;
    onChange(png);
  };

  return (
    <div className="signature-pad">
      <canvas
        ref={canvas}
        data-testid="signature-canvas"
        aria-label="住户签名区域"
        style={{ height, touchAction: "none" }}
        onPointerDown={down}
        onPointerMove={move}
        onPointerUp={up}
        onPointerCancel={up}
        onPointerLeave={up}
      />
      <div className="signature-pad-foot">
        <Typography.Text type={value ? "success" : "secondary"}>
          {value ? "已签名" : "请住户在框内签名"}
        </Typography.Text>
        <Button
          size="small"
          icon={<ClearOutlined />}
          disabled={!value}
          onClick={() => {
            const c = canvas.current;
            ctx2d()?.clearRect(0, 0, c?.width ?? 0, c?.height ?? 0);
            drawn.current = null;
            onChange(null);
          }}
        >
          重签
        </Button>
      </div>
    </div>
  );
}
