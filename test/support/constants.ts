export const TEST_PEPPER = 'whistle-test-pepper';
