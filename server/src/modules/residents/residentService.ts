import type { Resident } from "@warmline/shared";
import type { DataSource } from "typeorm";
import { AppError } from "../../http/errors";
import type { VendorIdentity } from "../../integrations/login";
import { ResidentUser } from "./entities";

export function presentResident(r: ResidentUser): Resident {
  return { id: r.id, provider: r.provider, nickname: r.nickname, createdAt: r.createdAt.toISOString() };
}

function whereFor(identity: VendorIdentity) {
  return identity.provider === "wechat" ? { wechatOpenid: identity.subject } : { alipayUserId: identity.subject };
}

/** Find the resident a vendor identity belongs to, creating one on first sign-in (safe under races). */
export async function residentForIdentity(ds: DataSource, identity: VendorIdentity): Promise<ResidentUser> {
  const repo = ds.getRepository(ResidentUser);
  let user = await repo.findOneBy(whereFor(identity));
  if (!user) {
    await repo
      .createQueryBuilder()
      .insert()
      .values({
        provider: identity.provider,
        wechatOpenid: identity.provider === "wechat" ? identity.subject : null,
        wechatUnionid: identity.provider === "wechat" ? (identity.unionId ?? null) : null,
        alipayUserId: identity.provider === "alipay" ? identity.subject : null,
        nickname: identity.nickname?.slice(0, 64) ?? null,
        status: "active",
        lastLoginAt: null,
      })
      .orIgnore() // a parallel first sign-in of the same person already inserted the row
      .updateEntity(false)
      .execute();
    user = await repo.findOneByOrFail(whereFor(identity));
  }
  if (user.status !== "active") throw new AppError("FORBIDDEN");
  await repo.update({ id: user.id }, { lastLoginAt: new Date() });
  return user;
}
