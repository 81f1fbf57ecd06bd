// Name pools for generated people. Chinese names are written as a Chinese speaker writes them
// (family name first); `pinyin` gives an ASCII form for email addresses.
import type { Rng } from "./random.ts";

export const EN_FIRST = [
  "Olivia", "Liam", "Emma", "Noah", "Amelia", "Oliver", "Sophia", "Elijah", "Isabella", "James",
  "Mia", "Lucas", "Harper", "Mateo", "Evelyn", "Henry", "Aria", "Theo", "Nora", "Samuel",
  "Priya", "Diego", "Fatima", "Jonas", "Lena", "Marco", "Chiara", "Hannah", "Tomás", "Ines",
] as const;

export const EN_LAST = [
  "Bennett", "Garcia", "Nguyen", "Okafor", "Müller", "Rossi", "Smith", "Johnson", "Patel", "Kowalski",
  "Dubois", "Andersen", "Murphy", "Fischer", "Silva", "Martin", "Clarke", "Reyes", "Novak", "Schmidt",
] as const;

/** [Chinese, pinyin] */
export const ZH_FAMILY = [
  ["王", "wang"], ["李", "li"], ["张", "zhang"], ["刘", "liu"], ["陈", "chen"], ["杨", "yang"],
  ["黄", "huang"], ["赵", "zhao"], ["吴", "wu"], ["周", "zhou"], ["徐", "xu"], ["孙", "sun"],
  ["马", "ma"], ["朱", "zhu"], ["胡", "hu"], ["郭", "guo"], ["林", "lin"], ["何", "he"],
] as const;

export const ZH_GIVEN = [
  ["芳", "fang"], ["娜", "na"], ["伟", "wei"], ["敏", "min"], ["静", "jing"], ["丽", "li"],
  ["强", "qiang"], ["磊", "lei"], ["洋", "yang"], ["艳", "yan"], ["勇", "yong"], ["杰", "jie"],
  ["晓明", "xiaoming"], ["婷婷", "tingting"], ["思远", "siyuan"], ["雨桐", "yutong"], ["子涵", "zihan"],
  ["浩然", "haoran"], ["欣怡", "xinyi"], ["俊杰", "junjie"], ["佳怡", "jiayi"], ["宇轩", "yuxuan"],
] as const;

export interface PersonName {
  name: string;
  /** ASCII, lowercase, dot-separated: for email local parts. */
  handle: string;
}

function asciiHandle(s: string): string {
  return s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ".")
    .replace(/^\.|\.$/g, "");
}

export function englishName(rng: Rng): PersonName {
  const first = rng.pick(EN_FIRST);
  const last = rng.pick(EN_LAST);
  return { name: `${first} ${last}`, handle: asciiHandle(`${first}.${last}`) };
}

export function chineseName(rng: Rng): PersonName {
  const [family, familyPy] = rng.pick(ZH_FAMILY);
  const [given, givenPy] = rng.pick(ZH_GIVEN);
  return { name: `${family}${given}`, handle: `${familyPy}.${givenPy}` };
}
