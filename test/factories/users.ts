// Users (logins), staff members and customers.
import { hashPassword } from "../../server/domain/auth/password.ts";
import type { Customer, Locale, Prisma, StaffRole, User } from "../../server/db/generated/client.ts";
import { chineseName, englishName } from "./names.ts";
import { DAY, factoryContext, type FactoryContext } from "./random.ts";
import { inTransaction, type DbClient } from "./types.ts";

/** The password of factory-made logins when none is given. */
export const TEST_PASSWORD = "correct-horse-battery-staple";

const hashCache = new Map<string, Promise<string>>();
/** argon2id hash of `password`, computed once per process and password (hashing takes ~50 ms). */
export function passwordHashFor(password: string): Promise<string> {
  let h = hashCache.get(password);
  if (!h) {
    h = hashPassword(password);
    hashCache.set(password, h);
  }
  return h;
}

export interface UserOverrides extends Partial<Omit<Prisma.UserUncheckedCreateInput, "passwordHash">> {
  /** Plain password (hashed, cached per value). Ignored when passwordHash is given. */
  password?: string;
  /** A ready hash, or null for a login without password (magic link only). */
  passwordHash?: string | null;
  /** Default true: emailVerifiedAt = createdAt (or now). Ignored when emailVerifiedAt is given. */
  verified?: boolean;
}

/** A login user. Defaults: unique email, English, verified, password TEST_PASSWORD. */
export async function createUser(db: DbClient, overrides: UserOverrides = {}, ctx: FactoryContext = factoryContext()): Promise<User> {
  const { password, passwordHash, verified = true, ...data } = overrides;
  const createdAt = data.createdAt ? new Date(data.createdAt) : ctx.now;
  const hash = passwordHash !== undefined ? passwordHash : await passwordHashFor(password ?? TEST_PASSWORD);
  return db.user.create({
    data: {
      email: ctx.uniqueEmail("user"),
      name: englishName(ctx.rng).name,
      ...data,
      createdAt,
      passwordHash: hash,
      emailVerifiedAt: data.emailVerifiedAt !== undefined ? data.emailVerifiedAt : verified ? createdAt : null,
    },
  });
}

export interface StaffOverrides extends UserOverrides {
  role?: StaffRole;
}

/** A staff member (default role AGENT, verified, password TEST_PASSWORD). */
export async function createStaff(db: DbClient, overrides: StaffOverrides = {}, ctx: FactoryContext = factoryContext()): Promise<User> {
  const { role = "AGENT", ...rest } = overrides;
  return createUser(db, { email: ctx.uniqueEmail(role.toLowerCase()), ...rest, staffRole: role }, ctx);
}

export interface LoginOptions {
  password?: string;
  passwordHash?: string | null;
  /** Default true. */
  verified?: boolean;
  emailVerifiedAt?: Date | null;
  createdAt?: Date;
}

export interface CustomerOverrides extends Partial<Omit<Prisma.CustomerUncheckedCreateInput, "userId">> {
  /** Create a login user with the same email, name and locale (true = verified, TEST_PASSWORD). */
  login?: boolean | LoginOptions;
  /** Link an existing user instead. */
  userId?: string | null;
}

export type CustomerWithUser = Customer & { user: User | null };

/**
 * A customer. Default: English, unique email, no login, no consent. With `locale: "zh_CN"` the
 * default name is Chinese and the time zone Asia/Shanghai.
 */
export async function createCustomer(db: DbClient, overrides: CustomerOverrides = {}, ctx: FactoryContext = factoryContext()): Promise<CustomerWithUser> {
  const { login, ...data } = overrides;
  const locale: Locale = (data.locale as Locale | undefined) ?? "en";
  const person = locale === "zh_CN" ? chineseName(ctx.rng) : englishName(ctx.rng);
  const email = (data.email ?? ctx.uniqueEmail(person.handle.replace(/\./g, "-"))).toLowerCase();
  const name = data.name !== undefined ? data.name : person.name;
  // Default: old enough that default-dated orders and tickets (up to ~300 days back) come after it.
  const createdAt = data.createdAt ? new Date(data.createdAt) : new Date(ctx.now.getTime() - ctx.rng.int(400, 800) * DAY);
  const timeZone = data.timeZone ?? (locale === "zh_CN" ? "Asia/Shanghai" : "UTC");

  return inTransaction(db, async (tx) => {
    let user: User | null = null;
    if (login) {
      const o: LoginOptions = login === true ? {} : login;
      user = await createUser(
        tx,
        {
          email,
          name,
          locale,
          timeZone,
          createdAt: o.createdAt ?? createdAt,
          password: o.password,
          passwordHash: o.passwordHash,
          verified: o.verified ?? true,
          ...(o.emailVerifiedAt !== undefined ? { emailVerifiedAt: o.emailVerifiedAt } : {}),
        },
        ctx,
      );
    }
    const customer = await tx.customer.create({
      data: {
        ...data,
        email,
        name,
        locale,
        timeZone,
        createdAt,
        userId: user?.id ?? data.userId ?? null,
      },
      include: { user: true },
    });
    return customer;
  });
}
