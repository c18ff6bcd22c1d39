import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type OutdoorListParams, type RecordOutdoorInput, listOutdoor, recordOutdoor } from "../api/weather";
import { queryKeys } from "./keys";
import { unlessRefused } from "./tickets";

/** A reading applies for 3 hours and the floor follows it: asked for again this often while shown. */
export const OUTDOOR_REFRESH_MS = 60_000;

/** 室外气温: the reading that applies now, the room-temperature floor and the recent readings. */
export function useOutdoor(p: OutdoorListParams) {
  return useQuery({
    queryKey: queryKeys.outdoor(p),
    queryFn: ({ signal }) => listOutdoor(p, signal),
    staleTime: 0,
    refetchInterval: (q) => (unlessRefused(q.state.error) ? OUTDOOR_REFRESH_MS : false),
  });
}

/** 登记气温: every outdoor view (any station) is out of date afterwards. */
export function useRecordOutdoor() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: RecordOutdoorInput) => recordOutdoor(input),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.outdoorAll }),
  });
}
