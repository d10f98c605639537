/**
 * 使用当前位置: the browser's position, asked only when the person presses the button (the
 * browser then asks for consent). Every way it can fail is said in Chinese, with what to do
 * instead: type the address.
 */
import { ref } from 'vue';

export interface Position { lat: number; lng: number; accuracy: number }

/** Why there is no position, as the person reads it. */
function positionProblem(code: number | 'unsupported' | 'insecure'): string {
  switch (code) {
    case 'unsupported': return '此浏览器不能提供位置，请填写详细地址。';
    case 'insecure': return '只有通过 HTTPS 打开工作台时浏览器才提供位置，请填写详细地址。';
    case 1: return '未获得定位授权：如需使用当前位置，请在浏览器设置中允许本网站获取位置；也可以只填写详细地址。';
    case 3: return '定位超时，请到开阔处再试，或填写详细地址。';
    default: return '暂时无法确定当前位置，请稍后再试，或填写详细地址。';
  }
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

export function useGeolocation() {
  const locating = ref(false);
  const problem = ref('');

  /** The position, or null (then `problem` says why). */
  async function locate(): Promise<Position | null> {
    problem.value = '';
    if (!window.isSecureContext) {
      problem.value = positionProblem('insecure');
      return null;
    }
    if (!('geolocation' in navigator)) {
      problem.value = positionProblem('unsupported');
      return null;
    }
    locating.value = true;
    try {
      const at = await new Promise<GeolocationPosition>((resolve, reject) => {
        navigator.geolocation.getCurrentPosition(resolve, reject, { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 });
      });
      return { lat: round(at.coords.latitude), lng: round(at.coords.longitude), accuracy: Math.round(at.coords.accuracy) };
    } catch (err) {
      problem.value = positionProblem((err as GeolocationPositionError)?.code ?? 2);
      return null;
    } finally {
      locating.value = false;
    }
  }

  return { locating, problem, locate };
}
