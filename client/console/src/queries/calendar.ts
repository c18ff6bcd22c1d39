import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  type CalendarUploadInput,
  getCalendarCoverage,
  getCalendarDays,
  loadCalendarYear,
  uploadCalendarYear,
} from "../api/calendar";

/** keys of the holiday calendar's queries (everything under "calendar" is stale after a load) */
const calendarKeys = {
  all: ["calendar"] as const,
  coverage: ["calendar", "years"] as const,
  days: (year: number) => ["calendar", "days", year] as const,
};

export function useCalendarCoverage() {
  return useQuery({ queryKey: calendarKeys.coverage, queryFn: ({ signal }) => getCalendarCoverage(signal) });
}

export function useCalendarDays(year: number | null) {
  return useQuery({
    queryKey: calendarKeys.days(year ?? 0),
    queryFn: ({ signal }) => getCalendarDays(year as number, signal),
    enabled: year !== null,
  });
}

/** 从数据包导入 / 上传: the coverage and the year's days are out of date afterwards */
export function useLoadCalendarYear() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (year: number) => loadCalendarYear(year),
    onSuccess: () => qc.invalidateQueries({ queryKey: calendarKeys.all }),
  });
}

export function useUploadCalendarYear() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ year, input }: { year: number; input: CalendarUploadInput }) => uploadCalendarYear(year, input),
    onSuccess: () => qc.invalidateQueries({ queryKey: calendarKeys.all }),
  });
}
