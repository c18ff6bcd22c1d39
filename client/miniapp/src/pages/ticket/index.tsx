import { Button, Image, Text, Textarea, View } from "@tarojs/components";
import Taro, { useRouter } from "@tarojs/taro";
import type { PhotoView, TicketDetailView } from "@warmline/shared";
import { useEffect, useRef, useState } from "react";
import { inputIdProps } from "../../components/inputId";
import { Kv } from "../../components/Kv";
import { TicketStatusTag } from "../../components/TicketStatusTag";
import { resolveApiUrl } from "../../services/config";
import { describeError } from "../../services/errors";
import { confirmRestored, getTicket, rateTicket } from "../../services/tickets";
import { formatDateTime, orDash } from "../../utils/format";
import { positiveId } from "../../utils/params";
import { useNow } from "../../utils/useNow";
import { usePolling } from "../../utils/usePolling";
import {
  type ClockLine,
  categoryLabel,
  clockLines,
  emptyRating,
  isOpen,
  liveClock,
  REFRESH_MS,
  type RatingForm,
  ratingText,
  recheckRating,
  stablePhotoUrls,
  TICK_MS,
  temperatureText,
  timeline,
  validateRating,
} from "./present";
import "./index.scss";

const STARS = [1, 2, 3, 4, 5] as const;
const COMMENT_MAX = 500;

function ClockRow({ line, live }: { line: ClockLine; live: boolean }) {
  return (
    <View className={`sla-clock sla-clock-${line.clock}`} data-clock={line.clock} data-state={line.state}>
      <Text className="sla-clock-title">{line.title}</Text>
      <Text
        className={`sla-clock-value sla-${line.state}${live ? " sla-countdown" : ""}${line.late ? " sla-late" : ""}`}
        data-state={line.state}
      >
        {line.value}
      </Text>
    </View>
  );
}

interface PhotosProps {
  photos: PhotoView[];
  urlOf: (photo: PhotoView) => string;
  onOpen: (photo: PhotoView) => void;
  /** a kept link that no longer loads (expired): take the fresh one */
  onFail: (photo: PhotoView) => void;
}

function Photos({ photos, urlOf, onOpen, onFail }: PhotosProps) {
  return (
    <View className="ticket-photos">
      {photos.map((photo) => (
        <Image
          key={photo.id}
          className="ticket-photo"
          src={urlOf(photo)}
          mode="aspectFill"
          data-photo-id={photo.id}
          onClick={() => onOpen(photo)}
          onError={() => onFail(photo)}
        />
      ))}
    </View>
  );
}

export default function TicketPage() {
  const { params } = useRouter();
  const id = positiveId(params.id);
  const [ticket, setTicket] = useState<TicketDetailView | null>(null);
  const [error, setError] = useState("");
  const [rating, setRating] = useState<RatingForm>(emptyRating);
  const [ratingError, setRatingError] = useState("");
  const [ratingBusy, setRatingBusy] = useState(false);
  const [confirmBusy, setConfirmBusy] = useState(false);
  const [confirmError, setConfirmError] = useState("");
  // the message under the rating goes as soon as the rating is complete (not only at the next 提交)
  useEffect(() => setRatingError((shown) => recheckRating(shown, rating)), [rating]);
  /** answers to requests older than the last change (a rating) are dropped */
  const seq = useRef(0);
  const urls = useRef(new Map<number, { url: string; at: number }>());

  function show(found: TicketDetailView) {
    const all = [...found.photos, ...found.events.flatMap((e) => e.photos ?? [])];
    urls.current = stablePhotoUrls(urls.current, all, Date.now());
    setTicket(found);
  }

  const { reload } = usePolling(async () => {
    if (id === null) {
      setError("工单不存在");
      return false;
    }
    const mine = ++seq.current;
    try {
      const found = await getTicket(id);
      if (mine !== seq.current) return true;
      show(found);
      setError("");
      return isOpen(found.status);
    } catch (err) {
      if (mine === seq.current) setError(describeError(err));
      return true;
    }
  }, REFRESH_MS);

  const open = ticket ? isOpen(ticket.status) : false;
  const now = useNow(open, TICK_MS);

  const [, setUrlsChanged] = useState(0);

  const urlOf = (photo: PhotoView) => resolveApiUrl(urls.current.get(photo.id)?.url ?? photo.url);

  function photoFailed(photo: PhotoView) {
    const kept = urls.current.get(photo.id);
    if (!kept || kept.url === photo.url) return; // the fresh link fails too: nothing better to show
    urls.current.set(photo.id, { url: photo.url, at: Date.now() });
    setUrlsChanged((n) => n + 1);
  }

  function preview(list: PhotoView[], photo: PhotoView) {
    // the freshest links: the viewer loads them again
    void Taro.previewImage({ urls: list.map((p) => resolveApiUrl(p.url)), current: resolveApiUrl(photo.url) });
  }

  async function submitRating() {
    if (!ticket || ratingBusy) return;
    const checked = validateRating(rating);
    if ("message" in checked) {
      setRatingError(checked.message);
      return;
    }
    setRatingError("");
    setRatingBusy(true);
    seq.current++;
    try {
      const rated = await rateTicket(ticket.id, checked.input);
      seq.current++;
      show(rated);
      setRating(emptyRating());
      void Taro.showToast({ title: checked.input.satisfied ? "感谢您的评价" : "已重新提交处理", icon: "success" });
      void reload();
    } catch (err) {
      setRatingError(describeError(err));
      void reload();
    } finally {
      setRatingBusy(false);
    }
  }

  async function submitRestored() {
    if (!ticket || confirmBusy) return;
    const sure = await Taro.showModal({
      title: "确认已恢复正常",
      content: "确认室内温度已恢复正常（不低于20℃）？确认后工作人员即可结束处理。",
      confirmText: "已恢复",
      cancelText: "还没有",
    });
    if (!sure.confirm) return;
    setConfirmBusy(true);
    setConfirmError("");
    seq.current++;
    try {
      show(await confirmRestored(ticket.id));
      seq.current++;
      void Taro.showToast({ title: "已告知工作人员", icon: "success" });
    } catch (err) {
      setConfirmError(describeError(err));
      void reload();
    } finally {
      setConfirmBusy(false);
    }
  }

  if (!ticket) {
    return <View className="page page-ticket">{error ? <Text className="error-text">{error}</Text> : null}</View>;
  }

  const lines = clockLines(ticket.sla, now);
  const live = open ? liveClock(ticket.sla, lines) : null;
  const entries = timeline(ticket.events, formatDateTime);
  const rated = ratingText(ticket.satisfied, ticket.score);

  return (
    <View className="page page-ticket" data-status={ticket.status}>
      <View className="card ticket-head">
        <View className="card-title">
          <Text className="ticket-category">{categoryLabel(ticket.category)}</Text>
          <TicketStatusTag status={ticket.status} />
        </View>
        <Kv label="工单号" valueClass="ticket-no">
          {ticket.ticketNo}
        </Kv>
        <Kv label="户号">{orDash(ticket.accountNo)}</Kv>
        <Kv label="地址">{ticket.address}</Kv>
        <Kv label="提交时间">{formatDateTime(ticket.createdAt)}</Kv>
        {ticket.indoorTempC10 !== null ? (
          <Kv label="室内温度" valueClass="ticket-temperature">
            {temperatureText(ticket.indoorTempC10)}
          </Kv>
        ) : null}
        {ticket.contactPhone ? (
          <Kv label="联系电话" valueClass="ticket-contact-phone">
            {ticket.contactPhone}
          </Kv>
        ) : null}
        {ticket.preferredContactTime ? <Kv label="方便联系时间">{ticket.preferredContactTime}</Kv> : null}
        {ticket.dispatchedStationName ? (
          <Kv label="处理单位">{[ticket.dispatchedStationName, ticket.crew].filter(Boolean).join(" / ")}</Kv>
        ) : null}
        <Text className="muted ticket-description-label">问题描述</Text>
        <Text className="ticket-description">{ticket.description}</Text>
        {ticket.photos.length ? (
          <Photos photos={ticket.photos} urlOf={urlOf} onOpen={(p) => preview(ticket.photos, p)} onFail={photoFailed} />
        ) : null}
      </View>

      {error ? <Text className="error-text">{error}</Text> : null}

      <View className="card sla-card" data-cycle={ticket.sla.cycle}>
        <View className="card-title">
          <Text>服务时限</Text>
          {ticket.sla.cycle > 0 ? <Text className="muted">{`第${ticket.sla.cycle + 1}次处理`}</Text> : null}
        </View>
        {lines.map((line) => (
          <ClockRow key={line.clock} line={line} live={line.clock === live} />
        ))}
        {ticket.sla.paused ? (
          <Text className="muted sla-paused-note">等待您的配合（如约定上门时间），计时已暂停。</Text>
        ) : null}
      </View>

      {ticket.actions.includes("confirm_restored") ? (
        <View className="card restored-card">
          <View className="card-title">
            <Text>室温恢复了吗？</Text>
          </View>
          <Text className="muted restored-hint">
            如果维修后室内温度已恢复正常，请点下方按钮告诉我们；工作人员收到后即可结束处理。
          </Text>
          {confirmError ? <Text className="error-text">{confirmError}</Text> : null}
          <Button
            className={`btn btn-primary restored-submit${confirmBusy ? " is-busy" : ""}`}
            loading={confirmBusy}
            disabled={confirmBusy}
            onClick={() => void submitRestored()}
          >
            已恢复正常
          </Button>
        </View>
      ) : null}

      {ticket.status === "resolved" ? (
        <View className="card rate-card">
          <View className="card-title">
            <Text>服务评价</Text>
          </View>
          <Text className="muted rate-question">问题已处理，您对处理结果满意吗？</Text>
          <View className="choice-row rate-choices">
            <Text
              className={`choice rate-satisfied${rating.satisfied === true ? " is-selected" : ""}`}
              onClick={() => setRating((r) => ({ ...r, satisfied: true }))}
            >
              满意
            </Text>
            <Text
              className={`choice rate-unsatisfied${rating.satisfied === false ? " is-selected" : ""}`}
              onClick={() => setRating((r) => ({ ...r, satisfied: false }))}
            >
              不满意
            </Text>
          </View>
          {rating.satisfied === false ? (
            <Text className="notice-bar rate-reopen-hint">提交后工单将重新打开，我们会再次安排处理。</Text>
          ) : null}
          <View className="rate-stars">
            {STARS.map((score) => (
              <Text
                key={score}
                className={`rate-star${score <= rating.score ? " is-on" : ""}`}
                data-score={score}
                onClick={() => setRating((r) => ({ ...r, score }))}
              >
                ★
              </Text>
            ))}
          </View>
          <Textarea
            {...inputIdProps("rateComment")}
            className="field-textarea rate-comment"
            maxlength={COMMENT_MAX}
            placeholder="说说您的意见或建议（选填）"
            value={rating.comment}
            onInput={(e) => setRating((r) => ({ ...r, comment: e.detail.value }))}
          />
          {ratingError ? <Text className="error-text">{ratingError}</Text> : null}
          <Button
            className={`btn btn-primary rate-submit${ratingBusy ? " is-busy" : ""}`}
            loading={ratingBusy}
            disabled={ratingBusy}
            onClick={() => void submitRating()}
          >
            提交评价
          </Button>
        </View>
      ) : null}

      {rated && ticket.status !== "resolved" ? (
        <View className="card rate-result">
          <Text className="rate-result-text">{`您的评价：${rated}`}</Text>
        </View>
      ) : null}

      <View className="card ticket-timeline">
        <View className="card-title">
          <Text>处理进度</Text>
        </View>
        {entries.map((entry) => (
          <View key={entry.id} className="timeline-item">
            <View className="timeline-dot" />
            <View className="timeline-main">
              <View className="timeline-head">
                <Text className="timeline-label">{entry.label}</Text>
                <Text className="muted timeline-time">{entry.time}</Text>
              </View>
              {entry.text ? <Text className="timeline-text">{entry.text}</Text> : null}
              {entry.photos.length ? (
                <Photos
                  photos={entry.photos}
                  urlOf={urlOf}
                  onOpen={(p) => preview(entry.photos, p)}
                  onFail={photoFailed}
                />
              ) : null}
            </View>
          </View>
        ))}
      </View>
    </View>
  );
}
